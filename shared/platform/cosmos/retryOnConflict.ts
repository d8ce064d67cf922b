import { setTimeout as sleep } from 'node:timers/promises';

import { AppError } from '../../domain/errors';

/** What an attempt returns when its conditional write lost to a concurrent writer (ETag mismatch, id taken). */
export const lostRace: unique symbol = Symbol('lostRace');
export type LostRace = typeof lostRace;

export interface ConflictRetryPolicy {
  attempts: number;
  /** The first back-off ceiling; it doubles per attempt up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * The one policy for read-modify-write cycles that lose an optimistic-concurrency race. Losers wait a random time
 * below a doubling ceiling ("full jitter"), so a crowd of writers on one document spreads out instead of colliding
 * again in lockstep: 16 concurrent writers of one customer all get through within the attempts.
 */
export const conflictRetryPolicy: ConflictRetryPolicy = { attempts: 12, baseDelayMs: 4, maxDelayMs: 250 };

export interface RetryOnConflictOptions {
  /** The error when every attempt lost; default `ConcurrentUpdate` (409) naming `subject`. */
  giveUp?: () => Error;
  policy?: ConflictRetryPolicy;
  /** How the losers wait (default: a real timer); a caller on another clock passes its own. */
  sleep?: (ms: number) => Promise<unknown>;
}

/**
 * Runs `attempt` (read, decide, write conditionally) until it does not return `lostRace`. Every attempt starts from
 * a fresh read, so what it decides always rests on the current document.
 */
export async function retryOnConflict<T>(
  subject: string,
  attempt: (attemptNumber: number) => Promise<T | LostRace>,
  options: RetryOnConflictOptions = {},
): Promise<T> {
  const policy = options.policy ?? conflictRetryPolicy;
  for (let attemptNumber = 1; attemptNumber <= policy.attempts; attemptNumber += 1) {
    const result = await attempt(attemptNumber);
    if (result !== lostRace) return result;
    if (attemptNumber < policy.attempts) {
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attemptNumber - 1));
      await (options.sleep ?? sleep)(Math.random() * ceiling);
    }
  }
  throw (
    options.giveUp?.() ??
    new AppError('ConcurrentUpdate', `${subject} kept changing concurrently; retry the request.`)
  );
}
