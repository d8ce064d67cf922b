import { z } from 'zod';

import { operationPollSeconds } from '../shared/commerce/commerceOperationReader';
import { operationFailure } from '../shared/commerce/commerceOperations';
import { type CommerceServices } from '../shared/commerce/commerceServices';
import { commerceOperationSchema } from '../shared/domain/api/commerceOperation';
import { type CommerceOperationDocument } from '../shared/domain/documents/commerceOperation';
import { type ErrorCode } from '../shared/domain/errors';
import { endpoint, type EndpointResult, idParameter } from '../shared/platform/http/endpoint';

type OperationReader = CommerceServices['operations'];
type OperationView = Awaited<ReturnType<OperationReader['view']>>;

export function operationLocation(customerId: string, operationId: string): string {
  return `/api/customers/${customerId}/operations/${operationId}`;
}

/**
 * 201 with what was bought when Microsoft finished within the request; 202 with `Location` (and `Retry-After`) of
 * the operation to poll when it did not; the refusal's problem when it was refused.
 */
export async function answerOperation(
  operation: CommerceOperationDocument,
  operations: Pick<OperationReader, 'view'>,
  correlationId: string,
  created: (view: OperationView) => EndpointResult,
): Promise<EndpointResult> {
  if (operation.status === 'failed') throw operationFailure(operation);
  const view = await operations.view(operation, correlationId);
  if (operation.status === 'succeeded') return created(view);
  return {
    status: 202,
    body: view,
    headers: {
      location: operationLocation(operation.customerId, operation.id),
      'retry-after': String(operationPollSeconds),
    },
  };
}

/** The 201 of an order bought within the request: the order, and its `Location` among the customer's orders. */
export function orderCreated(customerId: string) {
  return (view: OperationView): EndpointResult => ({
    status: 201,
    body: view.order,
    headers: { location: `/api/customers/${customerId}/orders/${view.order?.id ?? ''}` },
  });
}

export const acceptedResponse = {
  description:
    'Microsoft has not finished within the request: poll `Location` (a CommerceOperation) after `Retry-After` seconds.',
  schema: commerceOperationSchema,
};

export const getCommerceOperationEndpoint = (deps: Pick<CommerceServices, 'operations'>) =>
  endpoint({
    name: 'getCommerceOperation',
    method: 'GET',
    route: 'customers/{customerId}/operations/{operationId}',
    summary: 'Shows a purchase that outlasted its request (Azure subscription, reservation, 0145P order).',
    description:
      "The `Location` of a 202 answer. Each read also takes the purchase's next step at Microsoft, so polling moves it " +
      'forward: `running` (poll again after `Retry-After` seconds), then `succeeded` with the Azure entitlement or ' +
      'order, or `failed` with the same error code the request would have answered with.',
    tags: ['Operations'],
    access: { action: 'read' },
    params: z.strictObject({ customerId: idParameter, operationId: idParameter }),
    responses: { 200: { description: 'The operation.', schema: commerceOperationSchema } },
    errors: ['NotFound'],
    handler: async ({ params, correlationId }) => {
      const operation = await deps.operations.read(params.customerId, params.operationId, correlationId);
      return {
        status: 200,
        body: operation,
        ...(operation.status === 'running'
          ? { headers: { 'retry-after': String(operationPollSeconds) } }
          : {}),
      };
    },
  });

/** What any call to Microsoft may answer besides the operation's own refusals. */
export const microsoftErrors: ErrorCode[] = [
  'CustomerNotLinked',
  'PartnerCenterUnavailable',
  'PartnerCenterConsentRequired',
  'PartnerCenterRejected',
];
