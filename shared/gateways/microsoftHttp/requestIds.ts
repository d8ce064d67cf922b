import { nameBasedUuid } from '../../domain/rules/nameBasedUuid';

/** Namespace of every MS-RequestId this service derives (a fixed random UUID; changing it changes every id). */
const msRequestIdNamespace = '5b0f3a52-8d1e-4c51-9a3e-6f2d7c4b9e10';

/**
 * The `MS-RequestId` of one logical step, e.g. `purchase:<purchaseId>:checkout`. Microsoft deduplicates a repeated
 * call by this id ("if there's a timeout, the retry call should include the same value"), so every attempt of the
 * same step, in this process or after a crash and an activity retry, must send the same id: it is derived from
 * the step's name, never drawn at random.
 */
export function msRequestIdFor(stepKey: string): string {
  if (!stepKey.trim()) throw new RangeError('a step key is required to derive an MS-RequestId');
  return nameBasedUuid(msRequestIdNamespace, stepKey);
}
