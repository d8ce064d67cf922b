import { type AccessTokenRequest, type AccessTokenSource } from '../auth/accessTokens';

/**
 * One health probe of a Microsoft endpoint: a token, then one request of at most 3 s, no retries (health must
 * answer quickly). Gives the status for the caller to judge, or why the endpoint could not be reached at all.
 */
export async function probeStatus(
  tokens: AccessTokenSource,
  token: AccessTokenRequest,
  send: (accessToken: string, signal: AbortSignal) => Promise<Response>,
): Promise<{ status: number } | { reachable: false; detail: string }> {
  let accessToken: string;
  try {
    accessToken = await tokens.getToken(token);
  } catch (error) {
    return {
      reachable: false,
      detail: `no token: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  try {
    const response = await send(accessToken, AbortSignal.timeout(3_000));
    await response.body?.cancel();
    return { status: response.status };
  } catch (error) {
    return { reachable: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
