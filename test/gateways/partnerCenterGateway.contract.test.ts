import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createIdentitySimulator,
  type IdentitySimulator,
} from '../../local-functions-host/simulators/identity/createIdentitySimulator';
import {
  createPartnerCenterSimulator,
  type PartnerCenterSimulator,
} from '../../local-functions-host/simulators/partnerCenter';
import { loadConfig } from '../../shared/config';
import {
  createMicrosoftGateways,
  type MicrosoftGateways,
  type MicrosoftSettings,
} from '../../shared/gateways/createMicrosoftGateways';

/**
 * The gateway's contract, run against the local simulators — or, with PARTNER_CENTER_SANDBOX=1 and the real
 * settings (README "Going live with Partner Center"), against Partner Center's integration sandbox. The sandbox
 * allows 10 Azure plans in all and no invitations, so there the purchase runs only for a customer named in
 * PARTNER_CENTER_SANDBOX_CUSTOMER_ID that has no plan yet, and tests that need the simulators' controls are skipped.
 */
const sandbox = process.env.PARTNER_CENTER_SANDBOX === '1';
const onSimulator = sandbox ? it.skip : it;

let now = Date.now();
const clock = () => new Date(now);
let identity: IdentitySimulator | undefined;
let partnerCenter: PartnerCenterSimulator | undefined;
let gateways: MicrosoftGateways;
let settings: MicrosoftSettings;
let customerId: string;
let directory: string;
const correlationId = randomUUID();

beforeAll(async () => {
  directory = mkdtempSync(path.join(tmpdir(), 'gateway-contract-'));
  if (sandbox) {
    settings = loadConfig({
      ...process.env,
      // Only the Microsoft settings matter here; the rest must merely parse.
      COSMOS_ENDPOINT: process.env.COSMOS_ENDPOINT ?? 'http://127.0.0.1:1',
      AUTH_ISSUER: 'unused',
      AUTH_AUDIENCE: 'unused',
      AUTH_JWKS_URI: 'unused',
      AzureWebJobsStorage: 'unused',
      INVITATION_TOKEN_SECRET: 'x'.repeat(32),
    });
    customerId = process.env.PARTNER_CENTER_SANDBOX_CUSTOMER_ID ?? '';
    gateways = createMicrosoftGateways(settings);
    return;
  }
  identity = createIdentitySimulator({ clock });
  await identity.start();
  partnerCenter = createPartnerCenterSimulator({
    // The two simulators' claim types differ only in an index signature.
    verifyAccessToken: async (token, expected) => {
      const verified = await (identity as IdentitySimulator).verifyAccessToken(token, expected);
      return verified.ok ? { ok: true, claims: { ...verified.claims } } : verified;
    },
    clock,
  });
  const { url } = await partnerCenter.start();
  const [client] = identity.clients;
  const refreshTokenFile = path.join(directory, 'refresh-token');
  writeFileSync(refreshTokenFile, identity.controls.issueRefreshToken({ mfa: true }).refreshToken);
  settings = {
    PARTNER_CENTER_ENDPOINT: url,
    ARM_ENDPOINT: 'http://127.0.0.1:1',
    PARTNER_CENTER_AUTHORITY_HOST: identity.url,
    PARTNER_CENTER_AUTHORITY_CA_FILE: identity.caFile,
    PARTNER_TENANT_ID: identity.tenantId,
    PARTNER_CENTER_CLIENT_ID: client?.clientId,
    PARTNER_CENTER_CLIENT_SECRET: client?.clientSecret,
    PARTNER_CENTER_REFRESH_TOKEN_FILE: refreshTokenFile,
    PARTNER_CENTER_KEY_VAULT_URL: undefined,
    PARTNER_CENTER_REFRESH_TOKEN_SECRET: 'unused',
    PARTNER_CENTER_KEY_VAULT_IDENTITY_CLIENT_ID: undefined,
    PARTNER_CENTER_APP_ONLY_WHERE_PERMITTED: true,
    ARM_BILLING_ACCOUNT_ID: 'billing-account',
  };
  gateways = createMicrosoftGateways(settings);
  customerId = String(partnerCenter.controls.seedCustomer({ country: 'US', companyName: 'Contoso' }).id);
});

afterAll(async () => {
  await partnerCenter?.stop();
  await identity?.stop();
  rmSync(directory, { recursive: true, force: true });
});

const step = (name: string) => ({ correlationId, stepKey: `contract:${customerId}:${name}` });

/** Polls (no fixed sleeps): on the simulator by advancing its virtual clock, in the sandbox by waiting. */
async function eventually<T>(
  read: () => Promise<T | undefined>,
  stepMs: number,
  attempts: number,
): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const value = await read();
    if (value !== undefined) return value;
    if (partnerCenter) now += stepMs;
    else await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  throw new Error('condition not reached');
}

describe.skipIf(sandbox && !process.env.PARTNER_CENTER_SANDBOX_CUSTOMER_ID)(
  'Partner Center gateway contract',
  () => {
    it('is reachable with a token', async () => {
      expect(await gateways.partnerCenter.checkReachability()).toEqual({ reachable: true });
    });

    it('buys an Azure plan: MCA attestation, country availability, cart, checkout (repeatable), provisioning', async () => {
      const pc = gateways.partnerCenter;
      const customer = await pc.getCustomer(customerId, { correlationId });
      expect(customer?.id).toBe(customerId);
      const country =
        customer?.companyProfile?.address?.country ?? customer?.billingProfile?.defaultAddress?.country;
      expect(country).toBeTruthy();

      const template = await pc.getMcaMetadata({ correlationId });
      expect(template.agreementType).toBe('MicrosoftCustomerAgreement');
      const dateAgreed = `${new Date(now - 86_400_000).toISOString().slice(0, 10)}T00:00:00Z`;
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
    });

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
      now += 16 * 60_000; // past the order list's lag
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
