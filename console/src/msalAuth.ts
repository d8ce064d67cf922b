/**
 * Sign-in with Microsoft Entra ID (Azure builds only; loaded on demand so local builds never download it).
 * Build-time settings (Vite env): `VITE_ENTRA_CLIENT_ID` (the console's app registration, a single-page app),
 * `VITE_ENTRA_AUTHORITY` (https://login.microsoftonline.com/<partner tenant id>), `VITE_API_SCOPE` (the API's scope,
 * e.g. api://azure-plan-purchase/user_impersonation). The roles shown come from the API's app roles, which the
 * access token carries as `roles`.
 */
import { type AccountInfo, PublicClientApplication } from '@azure/msal-browser';

import { type Session } from './auth';
import { isRole } from './roles';

const scope: string = import.meta.env.VITE_API_SCOPE ?? '';
const msal = new PublicClientApplication({
  auth: {
    clientId: import.meta.env.VITE_ENTRA_CLIENT_ID ?? '',
    authority: import.meta.env.VITE_ENTRA_AUTHORITY ?? 'https://login.microsoftonline.com/organizations',
    redirectUri: `${window.location.origin}/`,
  },
  cache: { cacheLocation: 'sessionStorage' },
});
const ready = msal.initialize();

function rolesOf(token: string): string[] {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]?.replace(/-/g, '+').replace(/_/g, '/') ?? '')) as {
      roles?: unknown;
    };
    return Array.isArray(payload.roles)
      ? payload.roles.filter((role): role is string => typeof role === 'string')
      : [];
  } catch {
    return [];
  }
}

async function account(): Promise<AccountInfo | undefined> {
  await ready;
  return msal.getActiveAccount() ?? msal.getAllAccounts()[0];
}

export async function restoreEntraSession(): Promise<Session | undefined> {
  await ready;
  const redirect = await msal.handleRedirectPromise();
  if (redirect?.account) msal.setActiveAccount(redirect.account);
  const signedIn = await account();
  if (!signedIn) return undefined;
  const token = await entraAccessToken();
  return { name: signedIn.name ?? signedIn.username, roles: rolesOf(token ?? '').filter(isRole) };
}

export async function signInEntra(): Promise<void> {
  await ready;
  await msal.loginRedirect({ scopes: [scope] });
}

export async function signOutEntra(): Promise<void> {
  await ready;
  await msal.logoutRedirect();
}

export async function entraAccessToken(): Promise<string | undefined> {
  const signedIn = await account();
  if (!signedIn) return undefined;
  try {
    return (await msal.acquireTokenSilent({ scopes: [scope], account: signedIn })).accessToken;
  } catch {
    await msal.acquireTokenRedirect({ scopes: [scope], account: signedIn });
    return undefined;
  }
}
