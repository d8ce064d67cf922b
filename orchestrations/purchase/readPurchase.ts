import { z } from 'zod';

import { type CommerceRepository } from '../../shared/commerce/commerceRepository';
import { type CustomerRepository } from '../../shared/customers/customerRepository';
import { purchaseStatusSchema } from '../../shared/domain/api/azurePlanPurchase';
import { orderSchema, toOrder } from '../../shared/domain/api/order';
import { subscriptionSchema, toSubscription } from '../../shared/domain/api/subscription';
import { AppError } from '../../shared/domain/errors';
import { type WorkflowClient } from '../../shared/platform/durable/workflowClient';
import { readPurchaseState } from './purchaseStatusReader';
import { invitationProgressSchema, purchaseErrorSchema } from './purchaseWorkflowContract';

/** `GET /api/purchases/{purchaseId}`: the purchase as Partner Center's screens show it. */
export const purchaseSchema = z
  .object({
    purchaseId: z.string(),
    customerId: z.string(),
    status: purchaseStatusSchema,
    createdTime: z.string(),
    lastUpdatedTime: z.string(),
    mca: z
      .object({
        method: z.enum(['alreadyAccepted', 'attest', 'invite']),
        accepted: z.boolean(),
      })
      .optional()
      .meta({ description: 'How the purchase gets the MCA, and whether it has it.' }),
    invitation: invitationProgressSchema.optional(),
    order: orderSchema.optional(),
    subscription: subscriptionSchema
      .optional()
      .meta({ description: 'The Azure plan subscription the order created.' }),
    entitlementId: z
      .string()
      .optional()
      .meta({ description: 'The first Azure subscription (Azure entitlement) under the plan.' }),
    error: purchaseErrorSchema.optional(),
  })
  .meta({ id: 'AzurePlanPurchase' });
export type Purchase = z.infer<typeof purchaseSchema>;

/** Statuses in which the customer's acceptance of the MCA is a given. */
const mcaSettledStatuses: readonly string[] = ['placingOrder', 'completed'];

/**
 * Reads a purchase: its state from the durable status and, once it completed, the order and the Azure plan
 * subscription (two point reads). Never exposes the durable management URLs.
 */
export async function readPurchase(
  stores: {
    workflows: Pick<WorkflowClient, 'status'>;
    customers: Pick<CustomerRepository, 'get'>;
    commerce: Pick<CommerceRepository, 'readOrder' | 'readSubscription'>;
  },
  purchaseId: string,
): Promise<Purchase> {
  const state = await readPurchaseState(stores.workflows, purchaseId);
  if (state === undefined) throw new AppError('PurchaseNotFound', `There is no purchase ${purchaseId}.`);
  const mcaAccepted =
    state.mcaMethod === 'alreadyAccepted' ||
    mcaSettledStatuses.includes(state.status) ||
    // A failed purchase may have recorded the attestation (or the customer signed) before its order failed:
    // what the store holds is the answer (one point read, for failed purchases only).
    (state.status === 'failed' && ((await stores.customers.get(state.customerId))?.mca.accepted ?? false));

  const purchase: Purchase = {
    purchaseId: state.purchaseId,
    customerId: state.customerId,
    status: state.status,
    createdTime: state.createdTime,
    lastUpdatedTime: state.lastUpdatedTime,
    ...(state.mcaMethod
      ? {
          mca: {
            method: state.mcaMethod,
            accepted: mcaAccepted,
          },
        }
      : {}),
    ...(state.invitation ? { invitation: state.invitation } : {}),
    ...(state.error ? { error: state.error } : {}),
  };
  if (state.status !== 'completed' || state.order === undefined) return purchase;

  const { orderId, subscriptionId, entitlementId } = state.order;
  const [order, subscription] = await Promise.all([
    stores.commerce.readOrder(state.customerId, orderId),
    stores.commerce.readSubscription(state.customerId, subscriptionId),
  ]);
  return {
    ...purchase,
    ...(order ? { order: toOrder(order) } : {}),
    ...(subscription ? { subscription: toSubscription(subscription) } : {}),
    entitlementId,
  };
}
