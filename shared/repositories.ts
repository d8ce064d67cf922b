import { type Container } from '@azure/cosmos';

import { createAgreementRepository } from './agreements/agreementRepository';
import { createCommerceRepository } from './commerce/commerceRepository';
import { createCustomerRepository } from './customers/customerRepository';
import { createInvitationRepository } from './invitations/invitationRepository';
import { type ContainerName } from './platform/cosmos/cosmosClient';
import { createBatchRepository } from './purchaseBatches/batchRepository';

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
