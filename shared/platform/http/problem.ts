import { type HttpResponseInit } from '@azure/functions';
import { z } from 'zod';

import { AppError, errorCatalogue, type ErrorCode } from '../../domain/errors';

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
    error instanceof AppError ? error : new AppError('InternalError', 'The request could not be completed.');
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
  // Errors from Microsoft carry the number Partner Center answered with (e.g. 900115 on a refused suspension) and,
  // when throttled or down, how long to wait: read by shape, as the platform knows no gateway.
  const fromMicrosoft = appError as { partnerCenterCode?: unknown; retryAfterMs?: unknown };
  if (typeof fromMicrosoft.partnerCenterCode === 'number') {
    problem.partnerCenterCode = fromMicrosoft.partnerCenterCode;
  }
  if (appError.fieldErrors?.length) problem.errors = appError.fieldErrors;
  const headers: Record<string, string> = {
    'content-type': problemContentType,
    'x-correlation-id': request.correlationId,
  };
  if (appError.code === 'PartnerCenterUnavailable') {
    const waitMs = typeof fromMicrosoft.retryAfterMs === 'number' ? fromMicrosoft.retryAfterMs : 0;
    headers['retry-after'] = String(Math.max(1, Math.ceil(waitMs / 1000)));
  }
  return {
    problem,
    response: { status: entry.status, headers, body: JSON.stringify(problem) },
  };
}
