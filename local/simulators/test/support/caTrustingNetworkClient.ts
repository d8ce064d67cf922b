import { request } from 'node:https';

import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

/**
 * An MSAL network client that trusts one extra CA (the identity simulator's development certificate) for its
 * requests only: msal-node 5 sends through the global `fetch`, which cannot be given a CA per call. The gateway
 * needs the same thing behind `PARTNER_CENTER_AUTHORITY_CA_FILE`; copy it there (the app may not import tests).
 */
export function createCaTrustingNetworkClient(ca: string | Buffer): INetworkModule {
  function send<T>(
    method: 'GET' | 'POST',
    url: string,
    options: NetworkRequestOptions = {},
    timeoutMs?: number,
  ): Promise<NetworkResponse<T>> {
    return new Promise((resolve, reject) => {
      const body = method === 'POST' ? (options.body ?? '') : undefined;
      const outgoing = request(
        url,
        {
          method,
          ca,
          headers: {
            ...options.headers,
            ...(body === undefined ? {} : { 'content-length': Buffer.byteLength(body) }),
          },
          ...(timeoutMs ? { timeout: timeoutMs } : {}),
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', reject);
          incoming.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(incoming.headers)) {
              if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
            }
            try {
              resolve({ headers, body: JSON.parse(text) as T, status: incoming.statusCode ?? 0 });
            } catch (error) {
              reject(
                new Error(`MSAL network client: ${method} ${url} answered ${incoming.statusCode}, not JSON`, {
                  cause: error,
                }),
              );
            }
          });
        },
      );
      outgoing.on('timeout', () =>
        outgoing.destroy(new Error(`MSAL network client: ${method} ${url} timed out`)),
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
  return {
    sendGetRequestAsync: (url, options, timeout) => send('GET', url, options, timeout),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}
