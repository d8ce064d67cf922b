import { type Container } from '@azure/cosmos';

import { createAgreementRepository } from './agreementRepository';
import { createBatchRepository } from './batchRepository';
import { createCommerceRepository } from './commerceRepository';
import { type ContainerName } from './cosmosClient';
import { createCustomerRepository } from './customerRepository';
import { createInvitationRepository } from './invitationRepository';

/** The repositories the functions use, built over the app's containers (one factory each). */
export function createRepositories(containers: Record<ContainerName, Container>) {
  return {
    batches: createBatchRepository(containers.batches),
    customers: createCustomerRepository(containers.customers),
    commerce: createCommerceRepository(containers.customers),
    agreements: createAgreementRepository(containers.customers),
    invitations: createInvitationRepository(containers.invitations),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
