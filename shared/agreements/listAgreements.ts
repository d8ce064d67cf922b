import { type CustomerRepository } from '../customers/customerRepository';
import { requireCustomer } from '../customers/requireCustomer';
import { type Agreement, joinAgreements, toAgreement } from '../domain/api/agreement';
import { mcaAgreement } from '../domain/documents/documents';
import { type McaPort } from '../gateways/partnerCenter/ports';
import { type AgreementRepository } from './agreementRepository';

export interface ListAgreementsDependencies {
  customers: Pick<CustomerRepository, 'get'>;
  agreements: Pick<AgreementRepository, 'list'>;
  partnerCenter: Pick<McaPort, 'listMcaAgreements'>;
}

/**
 * The customer's agreements of a type as Partner Center holds them, joined with the service's records (how each
 * was given, by whom); a customer not yet linked to Partner Center has only the service's records. Partner Center
 * being unreachable is an error (503), not a shorter list: a partner must not attest again because of a gap.
 */
export async function listAgreements(
  { customers, agreements, partnerCenter }: ListAgreementsDependencies,
  customerId: string,
  type: string,
  correlationId: string,
): Promise<Agreement[]> {
  const customer = await requireCustomer(customers, customerId);
  const ours = await agreements.list(customer.customerId, type);
  if (type !== mcaAgreement.type || !customer.partnerCenterCustomerId) return ours.map(toAgreement);
  const atPartnerCenter = await partnerCenter.listMcaAgreements(customer.partnerCenterCustomerId, {
    correlationId,
  });
  return joinAgreements(ours, atPartnerCenter);
}
