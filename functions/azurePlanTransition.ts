import { z } from 'zod';

import {
  startAzurePlanTransition,
  type StartAzurePlanTransitionDependencies,
} from '../orchestrations/transition/startAzurePlanTransition';
import { readTransitionState } from '../orchestrations/transition/transitionStatusReader';
import { transitionLineSchema, transitionStatusSchema } from '../shared/domain/api/azurePlanTransition';
import { AppError } from '../shared/domain/errors';
import { endpoint, idParameter } from '../shared/platform/http/endpoint';

function transitionStatusUrl(transitionId: string): string {
  return `/api/transitions/${transitionId}`;
}

const transitionStartedSchema = z
  .object({
    transitionId: z.string(),
    status: transitionStatusSchema,
    statusUrl: z.string().meta({ description: 'Where to follow the transition (also the Location header).' }),
  })
  .meta({ id: 'TransitionStarted' });

const transitionSchema = z
  .object({
    transitionId: z.string(),
    customerId: z.string(),
    status: transitionStatusSchema.meta({
      description:
        '`validating` → `placingOrder` → `movingSubscriptions` → `completed`; `partiallyCompleted` when some lines ' +
        'could not be moved (they stay active under 0145P, see their `error`); `failed` when nothing was bought.',
    }),
    createdTime: z.string(),
    lastUpdatedTime: z.string(),
    lineItems: z.array(transitionLineSchema).meta({
      description:
        'One line per Microsoft Azure (0145P) subscription: its Azure subscription under the plan.',
    }),
    azurePlan: z.object({ subscriptionId: z.string(), orderId: z.string() }).optional(),
    error: z.object({ code: z.string(), detail: z.string() }).optional(),
  })
  .meta({ id: 'Transition' });

export const startAzurePlanTransitionEndpoint = (deps: StartAzurePlanTransitionDependencies) =>
  endpoint({
    name: 'startAzurePlanTransition',
    method: 'POST',
    route: 'customers/{customerId}/azure-plan/transition',
    summary: 'Moves a customer from Microsoft Azure (0145P) to the Azure plan (a durable workflow).',
    description:
      'Buys the Azure plan, moves each 0145P Azure subscription under it as an Azure entitlement with the same Azure ' +
      'subscription id, and suspends the 0145P commerce subscriptions. Checked before anything starts: the customer ' +
      'exists, the plan is sold in its country, it has no Azure plan yet (AzurePlanAlreadyExists), it has 0145P ' +
      'subscriptions (NoLegacySubscriptions) and none is suspended (LegacySubscriptionSuspended), nothing else of the ' +
      'customer runs (OrderInProgress), and the MCA is accepted (McaNotAccepted). There is nothing to tell it: ' +
      'no body, or `{}`.',
    tags: ['Azure plan transition'],
    access: { action: 'buyAzurePlan' },
    params: z.strictObject({ customerId: idParameter }),
    body: z.strictObject({}).meta({ id: 'TransitionRequest' }),
    bodyOptional: true,
    idempotent: true,
    durableClient: true,
    responses: { 202: { description: 'The transition started.', schema: transitionStartedSchema } },
    errors: [
      'CustomerNotFound',
      'CountryNotAvailable',
      'AzurePlanAlreadyExists',
      'NoLegacySubscriptions',
      'LegacySubscriptionSuspended',
      'OrderInProgress',
      'McaNotAccepted',
    ],
    handler: async ({ params, caller, correlationId, workflows }) => {
      const { transitionId, status } = await startAzurePlanTransition(deps, workflows, {
        customerId: params.customerId,
        requestedBy: { userId: caller.userId, ...(caller.name ? { name: caller.name } : {}) },
        correlationId,
      });
      const statusUrl = transitionStatusUrl(transitionId);
      return { status: 202, body: { transitionId, status, statusUrl }, headers: { location: statusUrl } };
    },
  });

export const getAzurePlanTransitionEndpoint = endpoint({
  name: 'getAzurePlanTransition',
  method: 'GET',
  route: 'transitions/{transitionId}',
  summary: 'Shows where a transition stands, line by line.',
  description:
    'Each line is one Microsoft Azure (0145P) subscription: the Azure entitlement it became (same Azure subscription id) once moved, or why it was not. Any partner role may read it.',
  tags: ['Azure plan transition'],
  access: { action: 'read' },
  params: z.strictObject({ transitionId: idParameter }),
  durableClient: true,
  responses: { 200: { description: 'The transition.', schema: transitionSchema } },
  errors: ['TransitionNotFound'],
  handler: async ({ params, workflows }) => {
    const state = await readTransitionState(workflows, params.transitionId);
    if (state === undefined) {
      throw new AppError('TransitionNotFound', `There is no transition ${params.transitionId}.`);
    }
    return { status: 200, body: state, headers: { 'cache-control': 'no-store' } };
  },
});
