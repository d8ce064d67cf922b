import { z } from 'zod';

import { commerceOperationDocumentSchema } from '../documents/commerceOperation';
import { azureEntitlementSchema } from './azureEntitlement';
import { orderSchema } from './order';

/** `GET /api/customers/{customerId}/operations/{operationId}`: a purchase that outlasted its request. */
export const commerceOperationSchema = z
  .object({
    id: z.string(),
    kind: commerceOperationDocumentSchema.shape.kind,
    status: commerceOperationDocumentSchema.shape.status.meta({
      description: '`running` until Microsoft finished; poll again after `Retry-After` seconds.',
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
    azureEntitlement: azureEntitlementSchema
      .optional()
      .meta({ description: 'The Azure subscription created (kind `azureSubscription`, succeeded).' }),
    order: orderSchema
      .optional()
      .meta({ description: 'The order placed (kinds `reservation` and `legacyOrder`, succeeded).' }),
    error: z
      .object({ code: z.string(), detail: z.string(), partnerCenterCode: z.number().int().optional() })
      .optional()
      .meta({ description: 'Why it failed (the same codes as the synchronous answer would have had).' }),
  })
  .meta({ id: 'CommerceOperation' });
export type CommerceOperation = z.infer<typeof commerceOperationSchema>;
