import { z } from 'zod';

/*
 * Partner Center throttles per partner tenant, or per partner tenant + customer tenant, depending on the API
 * (PCD `api-throttling-guidance.md`). The only published numbers are 500 requests a minute per tenant on the Order
 * and Subscription resources (PCD `order-resources.md`, `subscription-resources.md`), so those are the defaults;
 * every other API is unthrottled unless a rule is configured. The window is sliding (a log of accepted calls), and
 * `Retry-After` is the time until the oldest call in the window leaves it: a caller that waits exactly that long gets
 * through. Refused calls are not counted (the docs say they "accrue"; how much is not documented).
 */

export const throttleRuleSchema = z.object({
  /** Resource tags of routes the rule covers, e.g. `orders`, `subscriptions`, `carts`, `customers`. */
  resources: z.array(z.string()).min(1),
  limit: z.number().int().positive(),
  windowSeconds: z.number().positive(),
  scope: z.enum(['partner', 'partnerCustomer']),
});
export type ThrottleRule = z.infer<typeof throttleRuleSchema>;

export const publishedThrottleRules: ThrottleRule[] = [
  { resources: ['orders'], limit: 500, windowSeconds: 60, scope: 'partner' },
  { resources: ['subscriptions'], limit: 500, windowSeconds: 60, scope: 'partner' },
];

export interface Throttle {
  /** Seconds to wait when the call is refused; undefined when it is accepted (and then counted). */
  admit(call: {
    resource: string;
    partnerTenantId: string;
    customerId?: string;
    nowMs: number;
  }): number | undefined;
  setRules(rules: ThrottleRule[]): void;
  rules(): ThrottleRule[];
}

export function createThrottle(initial: ThrottleRule[]): Throttle {
  let rules = initial;
  const logs = new Map<string, number[]>();

  return {
    admit({ resource, partnerTenantId, customerId, nowMs }) {
      const applicable = rules
        .map((rule, index) => ({ rule, index }))
        .filter(({ rule }) => rule.resources.includes(resource));
      let wait = 0;
      const keys: string[] = [];
      for (const { rule, index } of applicable) {
        const key = `${index}|${partnerTenantId}|${rule.scope === 'partnerCustomer' ? (customerId ?? '') : ''}`;
        const windowMs = rule.windowSeconds * 1000;
        const log = (logs.get(key) ?? []).filter((at) => at > nowMs - windowMs);
        logs.set(key, log);
        keys.push(key);
        if (log.length >= rule.limit) wait = Math.max(wait, log[0]! + windowMs - nowMs);
      }
      if (wait > 0) return Math.max(1, Math.ceil(wait / 1000));
      for (const key of keys) logs.get(key)!.push(nowMs);
      return undefined;
    },
    setRules(next) {
      rules = next;
      logs.clear();
    },
    rules: () => rules,
  };
}
