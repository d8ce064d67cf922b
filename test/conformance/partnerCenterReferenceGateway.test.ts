import { describe, expect, it } from 'vitest';

import { type ReferenceExample } from '../../scripts/reference-examples/extractReferenceExamples';
import { type AccessTokenSource } from '../../shared/gateways/auth/accessTokens';
import { createArmGateway } from '../../shared/gateways/azureResourceManager/createArmGateway';
import { createPartnerCenterGateway } from '../../shared/gateways/partnerCenter/createPartnerCenterGateway';
import { PartnerCenterError } from '../../shared/gateways/partnerCenter/partnerCenterError';
import { azureEntitlementSchema } from '../../shared/gateways/partnerCenter/schemas';
import fixture from './referenceExamples.json';

/*
 * Conformance with the reference, the gateway's half (issue 15, item 2): every verbatim response body of
 * partner-center-api.md — success AND error — given to the gateway as Microsoft's answer, through the gateway method
 * that reads it. A success must parse (no "unexpected response shape"); an error must become the PartnerCenterError
 * the contract names. Bodies are the fixture's `json` (the document's own defects undone, see
 * scripts/reference-examples/extractReferenceExamples.ts). Every response example needs an entry here.
 */

const examples = fixture as ReferenceExample[];
const tokens: AccessTokenSource = { getToken: () => Promise.resolve('token'), invalidate: () => undefined };
const context = { correlationId: 'c0rre1a7-0000-4000-8000-000000000002' };
const step = { ...context, stepKey: 'conformance:step' };

function gatewaysAnswering(example: ReferenceExample, statusOfBody?: number) {
  const fakeFetch: typeof fetch = () =>
    Promise.resolve(
      new Response(
        example.status === 204 || example.json === undefined ? null : JSON.stringify(example.json),
        {
          status: example.status ?? statusOfBody ?? 200,
          headers: Object.fromEntries(
            Object.entries(example.headers).filter(([name]) => !/^content-length$/i.test(name)),
          ),
        },
      ),
    );
  const common = { tokens, fetch: fakeFetch, sleep: () => Promise.resolve(), retry: { maxAttempts: 1 } };
  return {
    pc: createPartnerCenterGateway({ ...common, endpoint: 'http://pc.invalid', appOnlyWherePermitted: true }),
    arm: createArmGateway({ ...common, endpoint: 'http://arm.invalid', billingAccountId: 'ba' }),
  };
}

type Gateways = ReturnType<typeof gatewaysAnswering>;
type Check =
  /** A success body: the gateway method that reads it, and what it must have read. */
  | { reads: (g: Gateways) => Promise<unknown>; expect: (value: unknown) => void }
  /** An error body: the call that gets it, and the error it must become. */
  | { refuses: (g: Gateways) => Promise<unknown>; error: Record<string, unknown>; status?: number }
  | { notRead: string };

const attest = (g: Gateways) =>
  g.pc.createAttestation(
    'c-1',
    {
      templateId: '117a77b0-9360-443b-8795-c6dedc750cf9',
      dateAgreed: '2018-06-14T00:00:00Z',
      primaryContact: { firstName: 'Tania', lastName: 'Carr', email: 'someone@example.com' },
    },
    step,
  );

const checks: Record<string, Check> = {
  '2.3#1': {
    refuses: (g) => g.pc.getCustomer('c-1', context),
    error: { kind: 'Throttled', code: 'PartnerCenterUnavailable', retryAfterMs: 57_000 },
  },
  '2.4#1': { notRead: 'the documented error schema, with `<string>` placeholders' },
  '2.4#2': {
    refuses: (g) => g.pc.getCustomer('c-1', context),
    error: { kind: 'Rejected', partnerCenterCode: 60012, httpStatus: 400 },
  },
  '2.4#3': {
    refuses: (g) => g.pc.getCustomer('c-1', context),
    error: { kind: 'Rejected', partnerCenterCode: 900316 },
  },
  '2.4#4': {
    refuses: (g) => g.pc.getCustomer('c-1', context),
    error: { kind: 'ConsentRequired', code: 'PartnerCenterConsentRequired', partnerCenterCode: 900309 },
  },
  '2.4#5': {
    refuses: (g) => g.pc.getCustomer('c-1', context),
    error: { code: 'InvalidRequest', partnerCenterCode: 2000 },
  },
  '2.4#6': {
    // The document shows the body only, without its status; the contract answers this refusal with 409.
    refuses: attest,
    status: 409,
    error: {
      code: 'AgreementAlreadyExists',
      partnerCenterCode: 600061,
      errorName: 'PartnerConfirmedAgreementAlreadyExists',
    },
  },
  '3.1#2': {
    reads: (g) => g.pc.getCustomer('c-1', context),
    expect: (customer) =>
      expect(customer).toMatchObject({
        id: 'eebd1b55-5360-4438-a11d-5c06918c3014',
        relationshipToPartner: 'reseller',
      }),
  },
  '3.2#2': {
    reads: (g) => g.pc.getMcaMetadata(context),
    expect: (template) =>
      expect(template).toMatchObject({ templateId: '117a77b0-9360-443b-8795-c6dedc750cf9' }),
  },
  '3.2#3': {
    // The answer without the MCA filter holds only the Cloud Agreement: never taken for the MCA template.
    refuses: (g) => g.pc.getMcaMetadata(context),
    error: { kind: 'Rejected' },
  },
  '3.3#2': {
    reads: attest,
    expect: (agreement) =>
      expect(agreement).toMatchObject({ userId: '3d6f2c09-eb40-48ca-a4b3-d24c9c007531' }),
  },
  '3.4#2': {
    reads: (g) => g.pc.listMcaAgreements('c-1', context),
    expect: (agreements) => expect(agreements).toHaveLength(2),
  },
  '3.5#2': {
    reads: (g) => g.pc.isDirectlySigned('c-1', context),
    expect: (signed) => expect(signed).toBe(true),
  },
  '3.5#3': { notRead: 'the reseller-relationship link: the service sends its own MCA invitation link' },
  '3.6#1': {
    notRead: 'the SKU: the gateway reads availabilities only (their catalogItemId is what a cart needs)',
  },
  '3.6#3': {
    reads: (g) =>
      g.pc.getAvailability('DZH318Z0BQ3Q', '0001', 'US', context, { reservationScope: 'AzurePlan' }),
    expect: (availability) =>
      expect(availability).toMatchObject({ catalogItemId: 'DZH318Z0BQ3Q:0001:DZH318XZXVNF' }),
  },
  '3.7#2': {
    reads: (g) => g.pc.createCart('c-1', [], step),
    expect: (cart) => expect(cart).toMatchObject({ id: '3655b1a0-b1c9-4268-9824-577fdbc4d0be' }),
  },
  '3.7#3': {
    reads: (g) => g.pc.createCart('c-1', [], step),
    expect: (cart) => expect(cart).toMatchObject({ id: '2517c51b-58cd-4abe-87ed-3ab812401ab4' }),
  },
  '3.7#5': {
    reads: (g) => g.pc.createCart('c-1', [], step),
    expect: (cart) => expect(cart).toMatchObject({ id: '3e22b548-647d-4223-9675-1fcb6cb57665' }),
  },
  '3.8#2': {
    reads: (g) => g.pc.checkout('c-1', 'cart-1', step),
    expect: (result) =>
      expect((result as { orders: { status: string }[] }).orders.map((order) => order.status)).toEqual([
        'completed',
        'pending',
        'pending',
      ]),
  },
  '3.8#3': {
    // SYNTHESIZED in the reference: the refusal inside a 201 CartCheckoutResult.
    refuses: (g) => g.pc.checkout('c-1', 'cart-1', step),
    status: 201,
    error: { code: 'McaNotAccepted', partnerCenterCode: 13605 },
  },
  '3.9#2': {
    reads: (g) => g.pc.getOrder('c-1', 'o-1', context),
    expect: (order) =>
      expect(order).toMatchObject({ id: 'YxH1q4KScfvfkJQjgRI8QY1DznnUWZTH1', status: 'completed' }),
  },
  '3.9#4': {
    reads: (g) => g.pc.getProvisioningStatus('c-1', 'o-1', context),
    expect: (lines) => expect(lines).toMatchObject([{ status: 'fulfilled' }]),
  },
  '3.9#6': {
    reads: (g) => g.pc.getSubscription('c-1', 'A356AC8C-E310-44F4-BF85-C7F29044AF99', context),
    expect: (subscription) =>
      expect(subscription).toMatchObject({ offerId: 'MS-AZR-0145P', status: 'active' }),
  },
  '3.10#2': {
    reads: (g) => g.pc.listAzureEntitlements('c-1', 's-1', context),
    expect: (entitlements) =>
      expect(entitlements).toMatchObject([{ id: '899ae6f1-8a74-4d5e-b6c6-e6b5019bbff8' }]),
  },
  '3.10#4': {
    // The gateway reads entitlements through the list (3.10#2): the single one must parse as a list item.
    reads: (g) =>
      Promise.resolve(azureEntitlementSchema.parse(examples.find((e) => e.id === '3.10#4')?.json) && g),
    expect: (value) => expect(value).toBeDefined(),
  },
  '3.10#6': { notRead: 'the billing account list: the account is a setting (ARM_BILLING_ACCOUNT_ID)' },
  '3.10#8': { notRead: "the billing account's customers: the customer's id is its Partner Center id" },
  '3.10#11': {
    reads: (g) =>
      g.arm.createSubscriptionAlias({ aliasName: 'a', displayName: 'Dev', customerId: 'c-1' }, step),
    expect: (alias) => expect(alias).toMatchObject({ properties: { provisioningState: 'Accepted' } }),
  },
  '3.10#13': {
    reads: (g) => g.arm.getSubscriptionAlias('a', context),
    expect: (alias) => expect(alias).toMatchObject({ properties: { provisioningState: 'Succeeded' } }),
  },
  '3.11#3': {
    // Cancelling answers the entitlement; the gateway reads entitlements as list items (3.10#2).
    reads: (g) =>
      Promise.resolve(azureEntitlementSchema.parse(examples.find((e) => e.id === '3.11#3')?.json) && g),
    expect: (value) => expect(value).toBeDefined(),
  },
  '3.12#2': {
    reads: (g) => g.pc.registerSubscription('c-1', 's-1', step),
    expect: (value) => expect(value).toBeUndefined(),
  },
  '3.12#3': {
    reads: (g) => g.pc.getRegistrationStatus('c-1', 's-1', context),
    expect: (status) => expect(String(status).toLowerCase()).toBe('notregistered'),
  },
  '3.13#2': {
    reads: (g) => g.pc.getUpgradeEligibility('c-1', context),
    expect: (eligibility) => expect(eligibility).toMatchObject({ isEligible: true }),
  },
  '3.13#4': {
    reads: (g) => g.pc.createUpgrade('c-1', step),
    expect: (upgradeId) => expect(upgradeId).toBe('42d075a4-bfe7-43e7-af6d-7c68a57edcb4'),
  },
  '3.13#6': {
    reads: (g) => g.pc.getUpgradeStatus('c-1', '42d075a4-bfe7-43e7-af6d-7c68a57edcb4', context),
    expect: (status) => expect(status).toMatchObject({ status: 'Completed' }),
  },
  '3.15#3': { notRead: "deleting a sandbox customer is the sandbox run's teardown, not the service's" },
};

/** Response bodies: responses, and the body-only blocks that are answers (not request bodies, not webhooks). */
const requestBodies = new Set(['3.7#4', '3.10#10', '3.11#1', '3.16#1', '3.16#2']);
const responses = examples.filter(
  (example) => example.kind === 'response' || (example.kind === 'body' && !requestBodies.has(example.id)),
);

describe('the gateway reads every verbatim response body of the reference', () => {
  it('every response example has a check, and every check an example', () => {
    expect(responses.map((example) => example.id).filter((key) => !(key in checks))).toEqual([]);
    expect(Object.keys(checks).filter((key) => !responses.some((example) => example.id === key))).toEqual([]);
  });

  it.each(responses.map((example) => [example.id, example] as const))('%s', async (_id, example) => {
    const check = checks[example.id];
    if (!check || 'notRead' in check) return;
    const gateways = gatewaysAnswering(example, 'status' in check ? check.status : undefined);
    if ('reads' in check) {
      check.expect(await check.reads(gateways));
      return;
    }
    const refusal = await check.refuses(gateways).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(PartnerCenterError);
    expect(refusal).toMatchObject(check.error);
  });
});
