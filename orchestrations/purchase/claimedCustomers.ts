import { type CustomerDocument } from '../../shared/domain/documents/documents';

const maxEntries = 1_000;
const keptForMs = 60_000;

const claimed = new Map<string, { customer: CustomerDocument; until: number }>();

/**
 * A hand-off inside one process, from the starter that claimed the customer's purchase slot to the activity that
 * places the order moments later: the customer as the claim wrote it, with its ETag. The activity's batch replaces
 * the customer conditionally on that ETag, so a stale entry costs a refused write and a fresh read, never a lost
 * update; a missing entry (another process, a restart, a purchase that waited for a signature) costs one read.
 * It keeps the attested purchase at three Cosmos round trips: read the customer, claim the slot, one batch.
 */
export function rememberClaimedCustomer(purchaseId: string, customer: CustomerDocument, nowMs: number): void {
  if (claimed.size >= maxEntries) {
    // Oldest first (a Map iterates in insertion order); entries this old are long past their use.
    for (const key of claimed.keys()) {
      claimed.delete(key);
      if (claimed.size < maxEntries / 2) break;
    }
  }
  claimed.set(purchaseId, { customer, until: nowMs + keptForMs });
}

/** The customer the starter claimed for this purchase, once; undefined when not known here any more. */
export function takeClaimedCustomer(purchaseId: string, nowMs: number): CustomerDocument | undefined {
  const entry = claimed.get(purchaseId);
  claimed.delete(purchaseId);
  return entry && entry.until > nowMs ? entry.customer : undefined;
}

/** Forgets a purchase that did not start. */
export function forgetClaimedCustomer(purchaseId: string): void {
  claimed.delete(purchaseId);
}
