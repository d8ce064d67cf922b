import { z } from 'zod';

import { type CustomerRepository } from '../customers/customerRepository';
import { requirePartnerCenterCustomer } from '../customers/partnerCenterCustomerId';
import { newAzureEntitlement } from '../domain/api/azureEntitlement';
import { type CommerceOperationDocument } from '../domain/documents/commerceOperation';
import { AppError } from '../domain/errors';
import { assertActiveAzurePlan } from '../domain/rules/assertActiveAzurePlan';
import { type SubscriptionAliasPort } from '../gateways/azureResourceManager/createArmGateway';
import { type CustomersPort, type SubscriptionsPort } from '../gateways/partnerCenter/ports';
import { type Clock } from '../platform/clock';
import {
  type Advance,
  type CommerceOperationStore,
  type InRequestWait,
  saveOperation,
  startOperation,
} from './commerceOperations';
import { type CommerceRepository } from './commerceRepository';

const requestSchema = z.object({ planSubscriptionId: z.string(), friendlyName: z.string() });

export interface AzureSubscriptionDependencies {
  customers: Pick<CustomerRepository, 'get' | 'update'>;
  operations: CommerceOperationStore;
  records: Pick<CommerceRepository, 'recordEntitlement'>;
  partnerCenter: Pick<CustomersPort, 'getCustomer'> & Pick<SubscriptionsPort, 'getSubscription'>;
  subscriptionAliases: SubscriptionAliasPort;
  clock: Clock;
  wait: InRequestWait;
}

/**
 * Azure subscriptions under a customer's Azure plan, created through ARM's subscription alias API (billing scope:
 * the partner's billing account and the customer). The alias name is the operation id, so repeating a step never
 * creates a second subscription; the subscription is recorded once ARM reports `Succeeded`.
 */
export function createAzureSubscriptionUseCases(deps: AzureSubscriptionDependencies) {
  const { operations, clock } = deps;

  const advance: Advance = async (operation: CommerceOperationDocument) => {
    const request = requestSchema.parse(operation.request);
    const context = { correlationId: operation.correlationId ?? operation.id };
    const aliasName = operation.id;
    let alias =
      operation.progress.aliasName === undefined
        ? undefined
        : await deps.subscriptionAliases.getSubscriptionAlias(aliasName, context);
    if (alias === undefined) {
      // The billing scope names the customer as Partner Center knows it (its tenant id), never by our path id.
      const { partnerCenterCustomerId } = await requirePartnerCenterCustomer(
        deps,
        operation.customerId,
        context.correlationId,
      );
      alias = await deps.subscriptionAliases.createSubscriptionAlias(
        { aliasName, displayName: request.friendlyName, customerId: partnerCenterCustomerId },
        { ...context, stepKey: `azureSubscription:${operation.id}:alias` },
      );
      if (operation.progress.aliasName === undefined) {
        operation = await saveOperation(
          operations,
          operation,
          { progress: { ...operation.progress, aliasName } },
          clock,
        );
      }
    }
    const state = alias.properties.provisioningState.toLowerCase();
    const subscriptionId = alias.properties.subscriptionId;
    if (state === 'failed' || state === 'canceled') {
      throw new AppError('PartnerCenterRejected', `Azure Resource Manager reports the alias ${state}.`);
    }
    if (state !== 'succeeded' || !subscriptionId) return operation;
    const entitlement = await deps.records.recordEntitlement(
      newAzureEntitlement({
        customerId: operation.customerId,
        planSubscriptionId: request.planSubscriptionId,
        azureSubscriptionId: subscriptionId,
        friendlyName: request.friendlyName,
        correlationId: operation.correlationId ?? operation.id,
        now: clock.now(),
      }),
    );
    return saveOperation(
      operations,
      operation,
      { status: 'succeeded', result: { entitlementId: entitlement.id } },
      clock,
    );
  };

  return {
    advance,

    /** Checks the plan (the service's record, then Partner Center), then creates the subscription. */
    async start(input: {
      customerId: string;
      planSubscriptionId: string;
      friendlyName: string;
      operationId: string;
      correlationId: string;
    }): Promise<CommerceOperationDocument> {
      const { customer, partnerCenterCustomerId } = await requirePartnerCenterCustomer(
        deps,
        input.customerId,
        input.correlationId,
      );
      assertActiveAzurePlan(customer, input.planSubscriptionId);
      const plan = await deps.partnerCenter.getSubscription(
        partnerCenterCustomerId,
        input.planSubscriptionId,
        {
          correlationId: input.correlationId,
        },
      );
      if (plan?.status.toLowerCase() !== 'active') {
        throw new AppError(
          'AzurePlanNotActive',
          `Partner Center shows the Azure plan ${input.planSubscriptionId} as ${plan ? plan.status : 'missing'}.`,
        );
      }
      return startOperation({ operations, clock, wait: deps.wait }, advance, {
        id: input.operationId,
        customerId: input.customerId,
        kind: 'azureSubscription',
        request: { planSubscriptionId: input.planSubscriptionId, friendlyName: input.friendlyName },
        correlationId: input.correlationId,
      });
    },
  };
}

export type AzureSubscriptionUseCases = ReturnType<typeof createAzureSubscriptionUseCases>;
