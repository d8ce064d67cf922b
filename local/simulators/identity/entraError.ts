import { randomUUID } from 'node:crypto';

/**
 * A token-endpoint refusal in Entra ID's shape: OAuth2 `error`, `error_description` starting with the AADSTS code
 * (what operators search for), `error_codes`, and the trace fields Entra adds. MSAL surfaces `error` as
 * `errorCode`, the description as `errorMessage`, and `suberror` as `subError`.
 */
export interface EntraError {
  status: 400 | 401;
  error:
    | 'invalid_request'
    | 'invalid_client'
    | 'unauthorized_client'
    | 'invalid_grant'
    | 'invalid_scope'
    | 'invalid_resource'
    | 'unsupported_grant_type';
  aadsts: number;
  message: string;
  suberror?: 'consent_required' | 'basic_action' | 'bad_token';
}

export function entraErrorBody(refusal: EntraError, now: Date): Record<string, unknown> {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = now
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    error: refusal.error,
    error_description:
      `AADSTS${refusal.aadsts}: ${refusal.message} ` +
      `Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [refusal.aadsts],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${refusal.aadsts}`,
    ...(refusal.suberror ? { suberror: refusal.suberror } : {}),
  };
}

export const entraErrors = {
  missingParameter: (name: string): EntraError => ({
    status: 400,
    error: 'invalid_request',
    aadsts: 900144,
    message: `The request body must contain the following parameter: '${name}'.`,
  }),
  tenantNotFound: (tenant: string): EntraError => ({
    status: 400,
    error: 'invalid_request',
    aadsts: 90002,
    message: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
  }),
  unsupportedGrantType: (grantType: string): EntraError => ({
    status: 400,
    error: 'unsupported_grant_type',
    aadsts: 70003,
    message: `The app requested an unsupported grant type '${grantType}'.`,
  }),
  unknownClient: (clientId: string, tenant: string): EntraError => ({
    status: 400,
    error: 'unauthorized_client',
    aadsts: 700016,
    message: `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`,
  }),
  missingClientSecret: (): EntraError => ({
    status: 401,
    error: 'invalid_client',
    aadsts: 7000218,
    message: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  }),
  invalidClientSecret: (clientId: string): EntraError => ({
    status: 401,
    error: 'invalid_client',
    aadsts: 7000215,
    message: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
  }),
  clientCredentialsNeedDefaultScope: (scope: string): EntraError => ({
    status: 400,
    error: 'invalid_scope',
    aadsts: 1002012,
    message: `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  }),
  moreThanOneResource: (): EntraError => ({
    status: 400,
    error: 'invalid_scope',
    aadsts: 28000,
    message:
      'Provided value for the input parameter scope is not valid because it contains more than one resource. Scope is not valid.',
  }),
  noResource: (): EntraError => ({
    status: 400,
    error: 'invalid_request',
    aadsts: 900144,
    message: "The request body must contain the following parameter: 'scope' or 'resource' naming one API.",
  }),
  unknownResource: (resource: string, tenant: string): EntraError => ({
    status: 400,
    error: 'invalid_resource',
    aadsts: 500011,
    message: `The resource principal named ${resource} was not found in the tenant named ${tenant}.`,
  }),
  malformedRefreshToken: (): EntraError => ({
    status: 400,
    error: 'invalid_grant',
    aadsts: 9002313,
    message: 'Invalid request. Request is malformed or invalid.',
    suberror: 'bad_token',
  }),
  refreshTokenReplaced: (): EntraError => ({
    status: 400,
    error: 'invalid_grant',
    aadsts: 70000,
    message:
      'Provided grant is invalid or malformed: this refresh token was already redeemed and replaced by a newer one (the simulator rotates refresh tokens).',
  }),
  refreshTokenInactive: (days: number): EntraError => ({
    status: 400,
    error: 'invalid_grant',
    aadsts: 700082,
    message: `The refresh token has expired due to inactivity. The token was issued on a date and was inactive for ${days}.00:00:00.`,
  }),
  consentRevoked: (clientId: string): EntraError => ({
    status: 400,
    error: 'invalid_grant',
    aadsts: 65001,
    message: `The user or administrator has not consented to use the application with ID '${clientId}'. Send an interactive authorization request for this user and resource.`,
    suberror: 'consent_required',
  }),
  refreshTokenOfAnotherClient: (clientId: string): EntraError => ({
    status: 400,
    error: 'invalid_grant',
    aadsts: 70000,
    message: `Provided grant is invalid or malformed: the refresh token was issued to a different client than '${clientId}'.`,
  }),
  mfaRequired: (resource: string): EntraError => ({
    status: 400,
    error: 'invalid_grant',
    aadsts: 50076,
    message: `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${resource}'.`,
    suberror: 'basic_action',
  }),
};
