import { z } from 'zod';

/**
 * Where a transition stands. `partiallyCompleted`: the plan was bought but some legacy subscriptions could not be
 * moved; those stay active under 0145P (nothing stops working) and are listed with their error.
 */
export const transitionStatusSchema = z.enum([
  'validating',
  'placingOrder',
  'movingSubscriptions',
  'completed',
  'partiallyCompleted',
  'failed',
]);
export type TransitionStatus = z.infer<typeof transitionStatusSchema>;

const problemSummarySchema = z.object({ code: z.string(), detail: z.string() });

export const transitionLineSchema = z
  .object({
    /** The Microsoft Azure (0145P) subscription being moved. */
    sourceSubscriptionId: z.string(),
    /** The Azure entitlement under the plan; its id is the Azure subscription id the 0145P subscription billed. */
    targetEntitlementId: z.string().optional(),
    status: z.enum(['pending', 'completed', 'failed']),
    error: problemSummarySchema.optional(),
  })
  .meta({ id: 'TransitionLineItem' });
export type TransitionLine = z.infer<typeof transitionLineSchema>;

/** What the transition orchestration reports in its custom status and output. */
export const transitionProgressSchema = z.object({
  status: transitionStatusSchema,
  lineItems: z.array(transitionLineSchema),
  azurePlan: z.object({ subscriptionId: z.string(), orderId: z.string() }).optional(),
  error: problemSummarySchema.optional(),
});
export type TransitionProgress = z.infer<typeof transitionProgressSchema>;
