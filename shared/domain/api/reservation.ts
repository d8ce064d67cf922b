import { z } from 'zod';

export const reservationTermSchema = z.enum(['P1Y', 'P3Y']);
export type ReservationTerm = z.infer<typeof reservationTermSchema>;

const catalogId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9]{1,32}$/, 'must be 1-32 letters or digits');
const subscriptionId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be 1-128 letters, digits, dots, dashes or underscores');

/** `POST /api/customers/{customerId}/reservations`. */
export const reservationRequestSchema = z
  .strictObject({
    azurePlanSubscriptionId: subscriptionId.meta({
      description: 'The Azure plan subscription the reservation is bought under (and billed to).',
    }),
    productId: catalogId.meta({
      description: 'Reservation product, e.g. `DZH318Z0BQ3Q`.',
      example: 'DZH318Z0BQ3Q',
    }),
    skuId: catalogId.meta({ description: 'Sku of the product, e.g. `0001`.', example: '0001' }),
    reservationType: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .meta({ description: 'e.g. `VirtualMachines`.', example: 'VirtualMachines' }),
    region: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9 -]{1,64}$/, 'must be an Azure region name such as westeurope')
      .meta({ example: 'westeurope' }),
    quantity: z.number().int().min(1).max(10_000),
    termDuration: reservationTermSchema,
    billingCycle: z.enum(['one_time', 'monthly']),
    scope: z.string().trim().min(1).max(64).optional().meta({
      description:
        'Only `shared` (the default) can be chosen at purchase; anything else is refused with ReservationScopeNotSupported.',
    }),
  })
  .meta({ id: 'ReservationRequest' });
export type ReservationRequest = z.infer<typeof reservationRequestSchema>;
