import { type Role } from '../../shared/domain/rules/roles';
import { devToken } from './devToken';
import { type CallOptions, type HttpMethod, type ServiceResponse } from './service';

/**
 * The `call()` of a running service: sends JSON to `url`, signs a bearer token for `as`, and reads the JSON body
 * back (undefined when empty).
 */
export function createServiceCaller(
  url: string,
  token: (roles: Role[], userId?: string) => Promise<string> = devToken,
) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as RunningService declares it
  return async function call<T = any>(
    method: HttpMethod,
    requestPath: string,
    callOptions: CallOptions = {},
  ): Promise<ServiceResponse<T>> {
    const headers: Record<string, string> = { ...callOptions.headers };
    if (callOptions.as) {
      headers.authorization = `Bearer ${await token(callOptions.as.roles, callOptions.as.userId)}`;
    }
    if (callOptions.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${url}${requestPath}`, {
      method,
      headers,
      ...(callOptions.body !== undefined ? { body: JSON.stringify(callOptions.body) } : {}),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: (text ? JSON.parse(text) : undefined) as T,
    };
  };
}
