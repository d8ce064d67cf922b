import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';

/**
 * `DefaultAzureCredential` (managed identity in Azure, the developer's Azure CLI login locally) as a credential the
 * composition root can hand a client when the app loads: the Identity SDK (a large module) is imported by the first
 * token request, so an app that signs in with keys, as the local stack does, never loads it.
 */
export function lazyDefaultAzureCredential(): TokenCredential {
  let credential: Promise<TokenCredential> | undefined;
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      credential ??= import('@azure/identity').then(
        ({ DefaultAzureCredential }) => new DefaultAzureCredential(),
      );
      return (await credential).getToken(scopes, options);
    },
  };
}
