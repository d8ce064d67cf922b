/**
 * Who is signed in, and the bearer token the API gets.
 *
 * - Locally (`npm start`, the default build): the sign-in page posts a role and a name to the local host's
 *   development endpoint `/.local-auth/token`, which signs a token with the development key (scripts/local-auth).
 *   The deployed app has no such endpoint: nothing in the app can mint a token.
 * - In Azure (built with `VITE_ENTRA_CLIENT_ID`): MSAL signs in with Microsoft Entra ID; the API's app roles in
 *   the token decide what the console shows (see docs/console.md). MSAL is loaded only then (its own chunk).
 */
import { isRole, type Role } from './roles';

export interface Session {
  name: string;
  roles: Role[];
}

interface LocalSession extends Session {
  token: string;
  expiresAt: number;
}

const storageKey = 'console.session';
export const entraClientId: string = import.meta.env.VITE_ENTRA_CLIENT_ID ?? '';
export const usesEntra = entraClientId !== '';

let current: Session | undefined;
const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function currentSession(): Session | undefined {
  return current;
}

function readLocalSession(): LocalSession | undefined {
  try {
    const stored = JSON.parse(sessionStorage.getItem(storageKey) ?? 'null') as LocalSession | null;
    if (stored && stored.expiresAt > Date.now() && stored.roles.every(isRole)) return stored;
  } catch {
    // A damaged entry: signed out.
  }
  return undefined;
}

/** Restores the session at start (the tab's local session, or MSAL's account and its redirect answer). */
export async function restoreSession(): Promise<void> {
  if (usesEntra) {
    const { restoreEntraSession } = await import('./msalAuth');
    current = await restoreEntraSession();
  } else {
    current = readLocalSession();
  }
  notify();
}

export async function signInLocally(role: Role, name: string): Promise<void> {
  const response = await fetch('/.local-auth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ roles: [role], name }),
  });
  if (!response.ok) throw new Error(`The local sign-in answered ${response.status}.`);
  const { token, expiresAt } = (await response.json()) as { token: string; expiresAt: string };
  const session: LocalSession = { token, name, roles: [role], expiresAt: Date.parse(expiresAt) };
  sessionStorage.setItem(storageKey, JSON.stringify(session));
  current = { name, roles: [role] };
  notify();
}

export async function signInWithEntra(): Promise<void> {
  const { signInEntra } = await import('./msalAuth');
  await signInEntra();
}

export async function signOut(): Promise<void> {
  sessionStorage.removeItem(storageKey);
  current = undefined;
  notify();
  if (usesEntra) {
    const { signOutEntra } = await import('./msalAuth');
    await signOutEntra();
  }
}

/** The bearer token for the next API call, or undefined when signed out. */
export async function accessToken(): Promise<string | undefined> {
  if (usesEntra) {
    const { entraAccessToken } = await import('./msalAuth');
    return entraAccessToken();
  }
  const session = readLocalSession();
  return session?.token;
}
