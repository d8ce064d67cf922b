import { type Container } from '@azure/cosmos';

import { createAgreementRepository } from './agreements/agreementRepository';
import { createAzurePlanOrderRepository } from './commerce/azurePlanOrders';
import { createCommerceRepository } from './commerce/commerceRepository';
import { createCustomerRepository } from './customers/customerRepository';
import { createInvitationRepository } from './invitations/invitationRepository';
import { createNotificationClaimRepository } from './notifications/notificationClaimRepository';
import { type ContainerName } from './platform/cosmos/cosmosClient';
import { createIdempotencyRecordRepository } from './platform/cosmos/idempotencyRecordRepository';
import { createBatchRepository } from './purchaseBatches/batchRepository';

/** Every repository, built over the app's containers (one factory each): the only code that touches a container. */
export function createRepositories(containers: Record<ContainerName, Container>) {
  return {
    batches: createBatchRepository(containers.batches),
    customers: createCustomerRepository(containers.customers),
    commerce: createCommerceRepository(containers.customers),
    agreements: createAgreementRepository(containers.customers),
    invitations: createInvitationRepository(containers.invitations),
    azurePlanOrders: createAzurePlanOrderRepository(containers.customers),
    notificationClaims: createNotificationClaimRepository(containers.customers),
    idempotencyRecords: createIdempotencyRecordRepository(containers.idempotency),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
