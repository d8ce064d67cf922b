import { type CustomerDocument } from '../domain/documents/documents';
import { AppError } from '../domain/errors';
import { type CustomerRepository } from './customerRepository';

/** The customer, or CustomerNotFound (404) for an id nobody registered; needs nothing of the repository but `get`. */
export async function requireCustomer(
  customers: Pick<CustomerRepository, 'get'>,
  customerId: string,
): Promise<CustomerDocument> {
  const customer = await customers.get(customerId);
  if (customer === undefined) throw new AppError('CustomerNotFound', `There is no customer ${customerId}.`);
  return customer;
}
