import { type Customer, toCustomer } from '../domain/api/customer';
import { requireCustomer } from './requireCustomer';
import { type McaFromPartnerCenterDependencies, withMcaFromPartnerCenter } from './withMcaFromPartnerCenter';

/** What reading a customer uses: the customer's record and where its MCA status comes from. */
export type ReadCustomerDependencies = McaFromPartnerCenterDependencies;

/**
 * The customer, with `mcaAccepted` as Partner Center knows it: our record says accepted, or else Partner Center
 * holds an MCA agreement or reports that the customer signed directly. What Partner Center says is recorded, so
 * later reads and purchases see it without asking again. Partner Center being unreachable does not fail the read:
 * the answer is then our record's.
 */
export async function readCustomer(
  dependencies: ReadCustomerDependencies,
  customerId: string,
  correlationId: string,
): Promise<Customer> {
  const customer = await requireCustomer(dependencies.customers, customerId);
  return toCustomer(await withMcaFromPartnerCenter(dependencies, customer, correlationId));
}
