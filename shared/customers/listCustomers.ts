import { type Customer, toCustomer } from '../domain/api/customer';
import { type CustomerRepository } from './customerRepository';

export interface ListCustomersDependencies {
  customers: Pick<CustomerRepository, 'list'>;
}

/** The most customers one list answers (Partner Center pages its list too; a search narrows it). */
export const customerListLimit = 500;

/**
 * The partner's customers by company name, as recorded (no call to Partner Center per customer: `mcaAccepted` is
 * what the service recorded; the customer's own page asks Partner Center). `search` keeps those whose company
 * name, id, Partner Center id or primary contact's email contains it, ignoring case.
 */
export async function listCustomers(
  { customers }: ListCustomersDependencies,
  search: string | undefined,
): Promise<Customer[]> {
  const needle = search?.trim().toLowerCase();
  const all = await customers.list(needle ? Number.MAX_SAFE_INTEGER : customerListLimit);
  const matching = needle
    ? all.filter((customer) =>
        [
          customer.companyName,
          customer.customerId,
          customer.partnerCenterCustomerId ?? '',
          customer.primaryContact.email,
        ].some((value) => value.toLowerCase().includes(needle)),
      )
    : all;
  return matching.slice(0, customerListLimit).map(toCustomer);
}
