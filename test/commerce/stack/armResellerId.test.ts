import { randomUUID } from 'node:crypto';

import { type RunningSimulators, startSimulators } from '@azure-plan-local/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createAzureSubscriptionUseCases } from '../../../shared/commerce/azureSubscriptions';
import { azureEntitlementRequestSchema } from '../../../shared/domain/api/azureEntitlement';
import {
  createMicrosoftGateways,
  type MicrosoftGateways,
} from '../../../shared/gateways/createMicrosoftGateways';
import { loadConfig } from '../../../shared/platform/config';
import { commerceRecords, customerStore, noWait, operationStore } from '../../shared/commerce/commerceFakes';
import { aCustomer } from '../../support/fixtures';

// Issue 15 row 9: indirect providers pass `resellerId` in the ARM subscription alias body (reference §3.10). The
// request carries it to ARM, and the ARM simulator keeps it on the alias (and answers it, as ARM's alias resource
// does).

let simulators: RunningSimulators;
let gateways: MicrosoftGateways;

beforeAll(async () => {
  simulators = await startSimulators();
  gateways = createMicrosoftGateways(
    loadConfig({
      COSMOS_ENDPOINT: 'http://127.0.0.1:1',
      AUTH_ISSUER: 'unused',
      AUTH_AUDIENCE: 'unused',
      AUTH_JWKS_URI: 'unused',
      AzureWebJobsStorage: 'unused',
      INVITATION_TOKEN_SECRET: 'x'.repeat(32),
      ...simulators.settings,
    }),
  );
});

afterAll(async () => {
  await simulators.stop();
});

describe('resellerId on Azure subscriptions under the plan', () => {
  it('the request accepts it, the use case sends it in the alias, and ARM keeps it', async () => {
    const customerId = randomUUID();
    const planId = randomUUID();
    simulators.azureResourceManager.controls.setAzurePlan(customerId, planId);
    const body = azureEntitlementRequestSchema.parse({
      friendlyName: 'Through Wingtip',
      resellerId: '5357564',
    });

    const operationId = randomUUID();
    const cases = createAzureSubscriptionUseCases({
      customers: customerStore(
        aCustomer({
          customerId,
          id: customerId,
          partnerCenterCustomerId: customerId,
          relationship: 'indirectReseller',
          azurePlan: { subscriptionId: planId, orderId: 'order-plan', status: 'active' },
        }),
      ),
      operations: operationStore(),
      records: commerceRecords(),
      partnerCenter: {
        getCustomer: () => Promise.resolve(undefined),
        getSubscription: () =>
          Promise.resolve({ id: planId, offerId: 'DZH318Z0BPS6:0001:DZH318Z0BML6', status: 'active' }),
      },
      subscriptionAliases: gateways.azureResourceManager,
      clock: { now: () => new Date() },
      wait: noWait(1),
    });
    await cases.start({
      customerId,
      planSubscriptionId: planId,
      friendlyName: body.friendlyName,
      ...(body.resellerId ? { resellerId: body.resellerId } : {}),
      operationId,
      correlationId: randomUUID(),
    });

    const atArm = simulators.azureResourceManager.controls
      .aliases()
      .find((alias) => alias.name === operationId);
    expect(atArm).toMatchObject({ customerId, resellerId: '5357564' });
    const read = await gateways.azureResourceManager.getSubscriptionAlias(operationId, {
      correlationId: 'c',
    });
    expect(read?.properties).toMatchObject({ resellerId: '5357564' });
  });

  it('ARM refuses the same alias name again with another reseller', async () => {
    const customerId = randomUUID();
    simulators.azureResourceManager.controls.setAzurePlan(customerId, randomUUID());
    const arm = gateways.azureResourceManager;
    const aliasName = randomUUID();
    const input = { aliasName, displayName: 'Dev', customerId, resellerId: '517285' };
    await arm.createSubscriptionAlias(input, { correlationId: 'c', stepKey: `reseller:${aliasName}` });
    await expect(
      arm.createSubscriptionAlias(
        { ...input, resellerId: '5357563' },
        { correlationId: 'c', stepKey: `reseller:${aliasName}:other` },
      ),
    ).rejects.toMatchObject({ httpStatus: 409, errorName: 'AliasConflict' });
  });
});
