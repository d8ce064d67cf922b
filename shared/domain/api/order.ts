import { z } from 'zod';

import { type OrderDocument, orderDocumentSchema, orderLineItemSchema } from '../documents/documents';

/** An order as the API shows it (Partner Center's Order); parsing a stored order drops the storage fields. */
export const orderSchema = z
  .object({
    id: z.string(),
    referenceCustomerId: z.string(),
    billingCycle: orderDocumentSchema.shape.billingCycle,
    lineItems: z.array(
      orderLineItemSchema
        .extend({
          subscriptionId: z.string().optional().meta({
            description: 'Absent while Partner Center is still provisioning the order (`status: "pending"`).',
          }),
        })
        .meta({ id: 'OrderLineItem' }),
    ),
    currencyCode: z.string().optional(),
    creationDate: z.string(),
    status: orderDocumentSchema.shape.status,
  })
  .meta({ id: 'Order' });
export type Order = z.infer<typeof orderSchema>;

export function toOrder(document: OrderDocument): Order {
  return orderSchema.parse(document);
}
