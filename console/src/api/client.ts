/**
 * The API client: openapi-fetch over the types generated from the service's OpenAPI document (schema.ts), so every
 * path, parameter and body is checked against the contract at build time. Same origin under `npm start`; in Azure
 * `VITE_API_BASE_URL` names the Functions app.
 */
import createClient from 'openapi-fetch';

import { accessToken, signOut } from '../auth';
import { type components, type paths } from './schema';

export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];
export type Customer = Schemas['Customer'];
export type Purchase = Schemas['AzurePlanPurchase'];
export type Subscription = Schemas['Subscription'];

export const api = createClient<paths>({ baseUrl: import.meta.env.VITE_API_BASE_URL ?? '' });

api.use({
  async onRequest({ request }) {
    const token = await accessToken();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
  async onResponse({ response }) {
    if (response.status === 401) await signOut();
    return response;
  },
});

/** What a failed call gives the screen: the contract's problem, or one made up for a network failure. */
export function asProblem(error: unknown): Problem {
  if (error && typeof error === 'object' && 'code' in error && 'title' in error) return error as Problem;
  return {
    type: 'about:blank',
    title: error instanceof Error ? error.message : 'The service could not be reached.',
    status: 0,
    detail: '',
    instance: '',
    code: 'NetworkError',
  };
}

/** A fresh Idempotency-Key for one user action (a retry of the same click reuses it). */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
