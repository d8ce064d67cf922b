import { randomBytes } from 'node:crypto';

import type { z } from 'zod';

import { describeZodError } from '../bodies';
import { invalidInput, type SimResponse } from '../responses';

/*
 * What every route file of the Partner Center simulator shares: a route's shape, the call it handles, the
 * agreement constants and small helpers. The routes themselves are in the files beside this one, one per area of
 * the reference (../shared/reference/partner-center-api.md §3).
 */

export interface CallContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  /** `oid` of an App+User token; undefined for app-only. */
  userId: string | undefined;
  now: Date;
}

export interface Route {
  method: string;
  template: string;
  /** Tag the throttling rules refer to. */
  resource: string;
  appUserOnly?: boolean;
  /**
   * The operation reads nothing from its body, so one that is not JSON is ignored rather than refused (the
   * reference's own product-upgrade status example sends a malformed body, §3.13).
   */
  bodyIgnored?: boolean;
  handle(call: CallContext): SimResponse;
}

export const MCA_TEMPLATE_ID = '117a77b0-9360-443b-8795-c6dedc750cf9';
export const CLOUD_AGREEMENT_TEMPLATE_ID = '998b88de-aa99-4388-a42c-1b3517d49490';
export const MCA = 'MicrosoftCustomerAgreement';
export const CLOUD_AGREEMENT = 'MicrosoftCloudAgreement';
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const MCA_MISSING =
  'Either a partner confirmation of the customer acceptance of the Microsoft Customer Agreement must be provided or the customer must accept the Microsoft Customer Agreement in the Microsoft Admin Center before you can complete this purchase';

export function parse<T extends z.ZodType>(
  schema: T,
  value: unknown,
): { ok: true; value: z.infer<T> } | SimResponse {
  const result = schema.safeParse(value);
  return result.success ? { ok: true, value: result.data } : invalidInput(describeZodError(result.error));
}

export function isParsed<T>(value: { ok: true; value: T } | SimResponse): value is { ok: true; value: T } {
  return 'ok' in value;
}

export function newOrderId(): string {
  return randomBytes(25).toString('base64url').slice(0, 33);
}

export function addMs(date: Date, ms: number): string {
  return new Date(date.getTime() + ms).toISOString();
}
