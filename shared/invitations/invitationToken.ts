import { createHash, createHmac } from 'node:crypto';

/**
 * The token in an invitation link: an HMAC of the purchase id under a secret, so it is unguessable, yet the
 * reminder activity derives the same link again without the token ever being stored.
 */
export function invitationToken(secret: string, purchaseId: string): string {
  return createHmac('sha256', secret).update(`mca-invitation:${purchaseId}`).digest('base64url');
}

/** The invitation's id in the store: the SHA-256 of its token, so the store alone cannot accept on anyone's behalf. */
export function invitationIdOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Tokens are base64url HMAC-SHA256 values (43 characters); anything else is not one of ours. */
export const invitationTokenPattern = /^[A-Za-z0-9_-]{43}$/;

export function acceptUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/api/invitations/${token}/accept`;
}
