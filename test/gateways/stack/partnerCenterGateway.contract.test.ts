import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { type IdentitySimulator } from '@azure-plan-local/simulators';
import { type PartnerCenterSimulator } from '@azure-plan-local/simulators';
import { type RunningSimulators, startSimulators } from '@azure-plan-local/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createMicrosoftGateways,
  type MicrosoftGateways,
  type MicrosoftSettings,
} from '../../../shared/gateways/createMicrosoftGateways';
import { loadConfig } from '../../../shared/platform/config';
import { tearDownSandboxCustomer } from '../../sandbox/sandboxTeardown';

/**
 * The gateway's contract, run against the local simulators — or, with PARTNER_CENTER_SANDBOX=1 and the real
 * settings (docs/partner-center.md "Going live with Partner Center"), against Partner Center's integration sandbox. The sandbox
 * allows 10 Azure plans in all and no invitations, so there the purchase runs only for a customer named in
 * PARTNER_CENTER_SANDBOX_CUSTOMER_ID that has no plan yet, and tests that need the simulators' controls are skipped.
 */
const sandbox = process.env.PARTNER_CENTER_SANDBOX === '1';
const onSimulator = sandbox ? it.skip : it;
/** In the sandbox the polls below wait for real provisioning (up to 40 × 15 s): the test must outlast them. */
const pollingTimeout = sandbox ? 12 * 60_000 : undefined;

let simulators: RunningSimulators | undefined;
let identity: IdentitySimulator | undefined;
let partnerCenter: PartnerCenterSimulator | undefined;
let gateways: MicrosoftGateways;
let settings: MicrosoftSettings;
let customerId: string;
const correlationId = randomUUID();

/** The app's own config parser, so the settings are read exactly as the app reads them. */
function microsoftSettings(env: NodeJS.ProcessEnv): MicrosoftSettings {
  return loadConfig({
    // Only the Microsoft settings matter here; the others must merely parse.
    COSMOS_ENDPOINT: 'http://127.0.0.1:1',
    AUTH_ISSUER: 'unused',
    AUTH_AUDIENCE: 'unused',
    AUTH_JWKS_URI: 'unused',
    AzureWebJobsStorage: 'unused',
    INVITATION_TOKEN_SECRET: 'x'.repeat(32),
    ...env,
  });
}

beforeAll(async () => {
  if (sandbox) {
    settings = microsoftSettings(process.env);
    customerId = process.env.PARTNER_CENTER_SANDBOX_CUSTOMER_ID ?? '';
    gateways = createMicrosoftGateways(settings);
    return;
  }
  simulators = await startSimulators();
  ({ identity, partnerCenter } = simulators);
  settings = microsoftSettings({ ...simulators.settings, PARTNER_CENTER_APP_ONLY_WHERE_PERMITTED: 'true' });
  gateways = createMicrosoftGateways(settings);
  customerId = String(partnerCenter.controls.seedCustomer({ country: 'US', companyName: 'Contoso' }).id);
});

afterAll(
  async () => {
    if (sandbox && planSubscriptionId) {
      // The sandbox's quota is 10 Azure plans in all (§6): cancel what this run added and suspend the plan. The
      // customer is the partner's (PARTNER_CENTER_SANDBOX_CUSTOMER_ID), so it is not deleted.
      const left = await tearDownSandboxCustomer(
        { partnerCenterCustomerId: customerId, planId: planSubscriptionId },
        {
          gateways,
          partnerCenterEndpoint: settings.PARTNER_CENTER_ENDPOINT,
          deleteCustomer: false,
          timeoutMs: 20 * 60_000,
          pause: () => new Promise((resolve) => setTimeout(resolve, 20_000)),
        },
      );
      if (left.length > 0) console.error(`Sandbox teardown left:\n${left.join('\n')}`);
    }
    await simulators?.stop();
  },
  (sandbox ? 21 : 1) * 60_000,
);

const step = (name: string) => ({ correlationId, stepKey: `contract:${customerId}:${name}` });
/** Time of the simulators (virtual) or of the sandbox (real). */
const nowMs = () => (partnerCenter ? partnerCenter.controls.now().getTime() : Date.now());

/** Polls (no fixed sleeps): on the simulators by advancing their virtual clock, in the sandbox by waiting. */
async function eventually<T>(
  read: () => Promise<T | undefined>,
  stepMs: number,
  attempts: number,
): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const value = await read();
    if (value !== undefined) return value;
    if (simulators) simulators.advanceClock(stepMs);
    else await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  throw new Error('condition not reached');
}

let planSubscriptionId: string | undefined;

describe.skipIf(sandbox && !process.env.PARTNER_CENTER_SANDBOX_CUSTOMER_ID)(
  'Partner Center gateway contract',
  () => {
    it('is reachable with a token', async () => {
      expect(await gateways.partnerCenter.checkReachability()).toEqual({ reachable: true });
    });

    it(
      'buys an Azure plan: MCA attestation, country availability, cart, checkout (repeatable), provisioning',
      async () => {
        const pc = gateways.partnerCenter;
        const customer = await pc.getCustomer(customerId, { correlationId });
        expect(customer?.id).toBe(customerId);
        const country =
          customer?.companyProfile?.address?.country ?? customer?.billingProfile?.defaultAddress?.country;
        expect(country).toBeTruthy();

        const template = await pc.getMcaMetadata({ correlationId });
        expect(template.agreementType).toBe('MicrosoftCustomerAgreement');
        const dateAgreed = `${new Date(nowMs() - 86_400_000).toISOString().slice(0, 10)}T00:00:00Z`;
        const contact = {
          firstName: 'Tania',
          lastName: 'Carr',
          email: `tania.${customerId.slice(0, 8)}@example.com`,
        };
        await pc.createAttestation(
          customerId,
          { templateId: template.templateId, dateAgreed, primaryContact: contact },
          step('attest'),
        );
        expect(
          (await pc.listMcaAgreements(customerId, { correlationId })).map(
            (agreement) => agreement.primaryContact.email,
          ),
        ).toContain(contact.email);
        // A second attestation with the same contact is a refusal the contract names.
        await expect(
          pc.createAttestation(
            customerId,
            { templateId: template.templateId, dateAgreed, primaryContact: contact },
            step('attest-again'),
          ),
        ).rejects.toMatchObject({ code: 'AgreementAlreadyExists', partnerCenterCode: 600061 });

        const availability = await pc.getAzurePlanAvailability(country ?? 'US', { correlationId });
        expect(availability?.catalogItemId).toMatch(/^DZH318Z0BPS6:0001:/);

        const cart = await pc.createCart(
          customerId,
          [{ catalogItemId: availability?.catalogItemId ?? '', quantity: 1, billingCycle: 'one_time' }],
          step('cart'),
        );
        const first = await pc.checkout(customerId, cart.id, step('checkout'));
        const again = await pc.checkout(customerId, cart.id, step('checkout'));
        expect(first.orders).toHaveLength(1);
        expect(again.orders.map((order) => order.id)).toEqual(first.orders.map((order) => order.id));
        const orderId = first.orders[0]?.id ?? '';

        const subscriptionId = await eventually(
          async () =>
            (await pc.getOrder(customerId, orderId, { correlationId })).lineItems[0]?.subscriptionId ??
            undefined,
          15_000,
          sandbox ? 40 : 10,
        );
        const provisioning = await pc.getProvisioningStatus(customerId, orderId, { correlationId });
        expect(provisioning[0]?.status.toLowerCase()).toBe('fulfilled');
        const plan = await pc.getSubscription(customerId, subscriptionId, { correlationId });
        expect(plan?.offerId).toBe(availability?.catalogItemId);
        expect(
          (await pc.listSubscriptionsByOrder(customerId, orderId, { correlationId })).map((s) => s.id),
        ).toContain(subscriptionId);
        const entitlements = await pc.listAzureEntitlements(customerId, subscriptionId, { correlationId });
        expect(entitlements.length).toBeGreaterThanOrEqual(1);
        planSubscriptionId = subscriptionId;
      },
      pollingTimeout,
    );

    it(
      'creates an Azure subscription under the plan through ARM (repeatable alias PUT, polled to Succeeded)',
      async () => {
        expect(planSubscriptionId).toBeDefined();
        const arm = gateways.azureResourceManager;
        expect(await arm.checkReachability()).toEqual({ reachable: true });
        const aliasName = randomUUID();
        const input = {
          aliasName,
          displayName: 'Contract test subscription',
          customerId,
          workload: 'DevTest' as const,
        };
        await arm.createSubscriptionAlias(input, step(`alias:${aliasName}`));
        await arm.createSubscriptionAlias(input, step(`alias:${aliasName}`));
        const done = await eventually(
          async () => {
            const alias = await arm.getSubscriptionAlias(aliasName, { correlationId });
            return alias?.properties.provisioningState === 'Succeeded' ? alias : undefined;
          },
          15_000,
          sandbox ? 40 : 10,
        );
        const entitlements = await gateways.partnerCenter.listAzureEntitlements(
          customerId,
          planSubscriptionId ?? '',
          {
            correlationId,
          },
        );
        expect(entitlements.map((entitlement) => entitlement.id)).toContain(done.properties.subscriptionId);
        expect(await arm.getSubscriptionAlias(randomUUID(), { correlationId })).toBeUndefined();
      },
      pollingTimeout,
    );

    onSimulator('rotates the refresh token on use and stores the new one', async () => {
      const before = readFileSync(settings.PARTNER_CENTER_REFRESH_TOKEN_FILE ?? '', 'utf8').trim();
      // A fresh gateway set: an empty token cache, so the next App+User call exchanges the refresh token.
      const fresh = createMicrosoftGateways(settings);
      expect(await fresh.partnerCenter.isDirectlySigned(customerId, { correlationId })).toBe(false);
      const after = readFileSync(settings.PARTNER_CENTER_REFRESH_TOKEN_FILE ?? '', 'utf8').trim();
      expect(after).not.toBe(before);
      // The rotated token works for the next exchange too.
      expect(
        await createMicrosoftGateways(settings).partnerCenter.getMcaMetadata({ correlationId }),
      ).toMatchObject({
        agreementType: 'MicrosoftCustomerAgreement',
      });
    });

    onSimulator('a checkout whose answer was lost is repeated on the same cart and buys once', async () => {
      const sim = partnerCenter as PartnerCenterSimulator;
      const other = String(sim.controls.seedCustomer({ country: 'GB', directSigned: true }).id);
      const pc = gateways.partnerCenter;
      const availability = await pc.getAzurePlanAvailability('GB', { correlationId });
      expect(availability?.catalogItemId).toMatch(/^DZH318Z0BPS6:0001:/);
      const cart = await pc.createCart(
        other,
        [{ catalogItemId: availability?.catalogItemId ?? '', quantity: 1, billingCycle: 'one_time' }],
        { correlationId, stepKey: `lost:${other}:cart` },
      );
      const checkoutRoute = 'POST /v1/customers/{customerId}/carts/{cartId}/checkout';
      sim.controls.resetStats();
      sim.controls.injectFault({ route: checkoutRoute, kind: 'dropAfterCommit' });
      const result = await pc.checkout(other, cart.id, { correlationId, stepKey: `lost:${other}:checkout` });
      expect(result.orders).toHaveLength(1);
      expect(sim.controls.stats().byRoute[checkoutRoute]).toBe(2); // the lost answer, then the repeat
      simulators?.advanceClock(16 * 60_000); // past the order list's lag
      expect(await pc.listOrders(other, { correlationId })).toHaveLength(1);
    });

    onSimulator(
      'turns a refused purchase (no MCA) into McaNotAccepted with the Partner Center code',
      async () => {
        const sim = partnerCenter as PartnerCenterSimulator;
        const unsigned = String(sim.controls.seedCustomer({ country: 'US' }).id);
        const pc = gateways.partnerCenter;
        const availability = await pc.getAzurePlanAvailability('US', { correlationId });
        const cartOrRefusal = pc
          .createCart(
            unsigned,
            [{ catalogItemId: availability?.catalogItemId ?? '', quantity: 1, billingCycle: 'one_time' }],
            {
              correlationId,
              stepKey: `nomca:${unsigned}:cart`,
            },
          )
          .then((cart) =>
            pc.checkout(unsigned, cart.id, { correlationId, stepKey: `nomca:${unsigned}:checkout` }),
          );
        await expect(cartOrRefusal).rejects.toMatchObject({
          code: 'McaNotAccepted',
          partnerCenterCode: 13605,
        });
      },
    );

    onSimulator('a revoked consent is PartnerCenterConsentRequired, asked once, not retried', async () => {
      const id = identity as IdentitySimulator;
      const fresh = createMicrosoftGateways(settings);
      id.controls.revokeConsent();
      id.controls.resetStats();
      await expect(fresh.partnerCenter.isDirectlySigned(customerId, { correlationId })).rejects.toMatchObject(
        {
          code: 'PartnerCenterConsentRequired',
          kind: 'ConsentRequired',
        },
      );
      expect(id.controls.stats().tokensIssued.user).toBe(0);
      expect(await fresh.partnerCenter.checkReachability()).toMatchObject({ reachable: false });
    });
  },
);
