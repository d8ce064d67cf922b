import { describe, expect, it } from 'vitest';

import { mcaOptionSchema } from '../../../../shared/domain/api/azurePlanPurchase';
import {
  assertCustomerMayBuyAzurePlan,
  decideMca,
  isWorkInProgressStale,
  unstartedWorkGraceMs,
} from '../../../../shared/domain/rules/azurePlanPurchase';
import { aContact, aCustomer } from '../../../support/fixtures';

const markets = new Set(['DE', 'US']);
const now = new Date('2026-03-01T12:00:00.000Z');

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('the checks before an Azure plan purchase', () => {
  it('lets a customer in a market without a plan or 0145P subscription buy', () => {
    expect(codeOf(() => assertCustomerMayBuyAzurePlan(aCustomer(), markets))).toBeUndefined();
  });

  it('refuses a country where the Azure plan is not sold with CountryNotAvailable', () => {
    expect(codeOf(() => assertCustomerMayBuyAzurePlan(aCustomer({ country: 'AQ' }), markets))).toBe(
      'CountryNotAvailable',
    );
  });

  it('refuses a customer that has an Azure plan', () => {
    const customer = aCustomer({ azurePlan: { subscriptionId: 's', orderId: 'o', status: 'active' } });
    expect(codeOf(() => assertCustomerMayBuyAzurePlan(customer, markets))).toBe('AzurePlanAlreadyExists');
  });

  it('sends a customer with a 0145P subscription to the transition', () => {
    const customer = aCustomer({ legacySubscriptionIds: ['legacy-1'] });
    expect(codeOf(() => assertCustomerMayBuyAzurePlan(customer, markets))).toBe(
      'LegacySubscriptionRequiresTransition',
    );
  });

  it('checks the country before the plan, as the contract lists them', () => {
    const customer = aCustomer({
      country: 'AQ',
      azurePlan: { subscriptionId: 's', orderId: 'o', status: 'active' },
    });
    expect(codeOf(() => assertCustomerMayBuyAzurePlan(customer, markets))).toBe('CountryNotAvailable');
  });
});

describe('deciding how the purchase gets the MCA', () => {
  const notAccepted = aCustomer({ mca: { accepted: false } });

  it('needs nothing when the customer accepted already', () => {
    expect(decideMca(aCustomer(), undefined, now)).toEqual({ method: 'alreadyAccepted' });
  });

  it('refuses a customer without the MCA and without an mca option with McaNotAccepted', () => {
    expect(codeOf(() => decideMca(notAccepted, undefined, now))).toBe('McaNotAccepted');
  });

  it('attests with the given contact and date', () => {
    const option = mcaOptionSchema.parse({
      method: 'attest',
      primaryContact: aContact,
      dateAgreed: '2026-02-01',
    });
    expect(decideMca(notAccepted, option, now)).toEqual({
      method: 'attest',
      primaryContact: aContact,
      dateAgreed: '2026-02-01T00:00:00.000Z',
    });
  });

  it('refuses an attestation for a customer of an indirect reseller', () => {
    const option = mcaOptionSchema.parse({
      method: 'attest',
      primaryContact: aContact,
      dateAgreed: '2026-02-01',
    });
    const customer = aCustomer({ mca: { accepted: false }, relationship: 'indirectReseller' });
    expect(codeOf(() => decideMca(customer, option, now))).toBe('ResellerCannotAttest');
  });

  it('refuses an attestation dated in the future', () => {
    const option = mcaOptionSchema.parse({
      method: 'attest',
      primaryContact: aContact,
      dateAgreed: '2026-03-02T00:00:00Z',
    });
    expect(codeOf(() => decideMca(notAccepted, option, now))).toBe('InvalidRequest');
  });

  it('invites the primary contact with the default schedule when nothing else is said', () => {
    const option = mcaOptionSchema.parse({ method: 'invite' });
    expect(decideMca(notAccepted, option, now)).toEqual({
      method: 'invite',
      email: 'ada@contoso.example',
      reminderEveryHours: 24,
      expiresInDays: 30,
    });
  });

  it('skips the invitation of a customer that accepted already', () => {
    expect(decideMca(aCustomer(), mcaOptionSchema.parse({ method: 'invite' }), now)).toEqual({
      method: 'alreadyAccepted',
    });
  });

  it('accepts fractions down to one minute, so reminders and expiry can be watched in real time', () => {
    const option = { method: 'invite', reminderEveryHours: 1 / 60, expiresInDays: 3 / 1440 };
    expect(mcaOptionSchema.safeParse(option).success).toBe(true);
  });

  it.each([
    [{ reminderEveryHours: 0 }],
    [{ reminderEveryHours: 721 }],
    [{ expiresInDays: 91 }],
    [{ reminderEveryHours: 48, expiresInDays: 2 }],
    [{ reminderEveryHours: 0.01 }],
    [{ expiresInDays: 0.0001 }],
    [{ reminderEveryHours: -1 }],
    [{ reminderEveryHours: 1 / 60, expiresInDays: 30 }],
    [{ email: 'not-an-email' }],
    [{ extra: true }],
  ])('refuses the invite option %j', (fields) => {
    expect(mcaOptionSchema.safeParse({ method: 'invite', ...fields }).success).toBe(false);
  });
});

describe("a stale hold on the customer's work in progress", () => {
  const held = { kind: 'purchase', id: 'p', startedAt: now.toISOString() } as const;

  it('is taken over once its holder has finished', () => {
    expect(isWorkInProgressStale(held, 'finished', now)).toBe(true);
  });

  it('is kept while its holder runs, however old', () => {
    expect(isWorkInProgressStale(held, 'running', new Date(now.getTime() + 86_400_000))).toBe(false);
  });

  it('is kept for a grace period when its holder has not started yet', () => {
    expect(isWorkInProgressStale(held, 'unknown', new Date(now.getTime() + 1_000))).toBe(false);
    expect(isWorkInProgressStale(held, 'unknown', new Date(now.getTime() + unstartedWorkGraceMs + 1))).toBe(
      true,
    );
  });
});
