import { type HttpResponseInit } from '@azure/functions';
import { z } from 'zod';

import { AppError, errorCatalogue, type ErrorCode } from '../../domain/errors';
import { isMissingStore } from '../cosmos/cosmosStatus';

export const problemContentType = 'application/problem+json';

/** RFC 9457 problem document, with the stable `code` and Partner Center's number where one exists. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    code: z.string(),
    partnerCenterCode: z.number().int().optional(),
    correlationId: z.string().optional(),
    errors: z.array(z.object({ pointer: z.string(), detail: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'An RFC 9457 problem document.' });

export type Problem = z.infer<typeof problemSchema>;

export function problemTypeUri(code: ErrorCode): string {
  return `https://azure-plan-purchase.local/problems/${code}`;
}

/**
 * The one place that turns anything thrown into problem+json. Unknown errors become a 500 that never echoes the
 * internal message or stack; the caller gets the correlation id to quote instead.
 */
export function toProblem(
  error: unknown,
  request: { instance: string; correlationId: string },
): { problem: Problem; response: HttpResponseInit } {
  const appError =
    error instanceof AppError
      ? error
      : isMissingStore(error)
        ? new AppError(
            'StoreNotProvisioned',
            'A Cosmos DB database or container, or a queue, that the service uses does not exist.',
          )
        : new AppError('InternalError', 'The request could not be completed.');
  const entry = errorCatalogue[appError.code];
  const problem: Problem = {
    type: problemTypeUri(appError.code),
    title: entry.title,
    status: entry.status,
    detail:
      appError.code === 'InternalError'
        ? `The request could not be completed. Quote correlation id ${request.correlationId} when you contact support.`
        : appError.detail,
    instance: request.instance,
    code: appError.code,
    correlationId: request.correlationId,
  };
  if ('partnerCenterCode' in entry) problem.partnerCenterCode = entry.partnerCenterCode;
  // An error from Microsoft carries Partner Center's own code and, when throttled, how long to wait.
  const fromMicrosoft = appError as AppError & { partnerCenterCode?: unknown; retryAfterMs?: unknown };
  if (typeof fromMicrosoft.partnerCenterCode === 'number')
    problem.partnerCenterCode = fromMicrosoft.partnerCenterCode;
  if (appError.fieldErrors?.length) problem.errors = appError.fieldErrors;
  const retryAfterSeconds =
    appError.code === 'PartnerCenterUnavailable' || appError.code === 'ServiceUnavailable'
      ? Math.max(
          1,
          Math.ceil(
            (typeof fromMicrosoft.retryAfterMs === 'number' ? fromMicrosoft.retryAfterMs : 30_000) / 1_000,
          ),
        )
      : undefined;
  return {
    problem,
    response: {
      status: entry.status,
      headers: {
        'content-type': problemContentType,
        'x-correlation-id': request.correlationId,
        ...(retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) }),
      },
      body: JSON.stringify(problem),
    },
  };
}
