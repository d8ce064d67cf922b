import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type RunningService, startService } from '../../support/service';
import {
  aContact,
  adminAgent,
  anAttestation,
  hourMs,
  problemOf,
  purchaseScenario,
  salesAgent,
} from '../purchaseScenario';

let service: RunningService;
let scenario: ReturnType<typeof purchaseScenario>;

beforeAll(async () => {
  service = await startService();
  scenario = purchaseScenario(service);
});

afterAll(async () => {
  await service?.stop();
});

describe('an attested purchase', () => {
  it('completes with the order, the usage-based Azure plan and one Azure entitlement', async () => {
    const customerId = await scenario.aRegisteredCustomer();

    const started = await scenario.startPurchase(customerId, { mca: anAttestation() });

    expect(started.status).toBe(202);
    const { purchaseId, statusUrl } = started.body as { purchaseId: string; statusUrl: string };
    expect(statusUrl).toBe(`/api/purchases/${purchaseId}`);
    expect(started.headers.get('location')).toBe(statusUrl);
    const purchase = await scenario.settledPurchase(purchaseId);
    expect(purchase).toMatchObject({
      purchaseId,
      customerId,
      status: 'completed',
      mca: { method: 'attest', accepted: true },
      order: {
        billingCycle: 'one_time',
        status: 'completed',
        lineItems: [{ offerId: 'DZH318Z0BPS6:0001', quantity: 1 }],
      },
      subscription: { billingType: 'usage', status: 'active', offerName: 'Microsoft Azure plan' },
    });
    expect(JSON.stringify(purchase)).not.toMatch(/runtime\/webhooks|code=/);
    expect(await scenario.storedDocuments(customerId)).toMatchObject({
      order: 1,
      subscription: 1,
      azureEntitlement: 1,
      agreement: 1,
    });

    expect(await scenario.customer(customerId)).toMatchObject({
      mcaAccepted: true,
      azurePlan: { subscriptionId: purchase.subscription?.id, status: 'active' },
      activePurchase: null,
    });
    const agreements = await service.call(
      'GET',
      `/api/customers/${customerId}/agreements?agreementType=MicrosoftCustomerAgreement`,
      { as: salesAgent },
    );
    expect(agreements.body).toMatchObject({
      totalCount: 1,
      items: [{ method: 'partnerAttestation', userId: 'sally', primaryContact: aContact }],
    });
  });

  it('buys with an empty body once the customer has accepted the MCA', async () => {
    const customerId = await scenario.aRegisteredCustomer();
    const attested = await service.call('POST', `/api/customers/${customerId}/agreements`, {
      as: adminAgent,
      body: { type: 'MicrosoftCustomerAgreement', primaryContact: aContact, dateAgreed: '2026-01-05' },
    });
    expect(attested.status).toBe(201);

    const started = await scenario.startPurchase(customerId, {});

    expect(started.status).toBe(202);
    const purchase = await scenario.settledPurchase(scenario.purchaseIdOf(started));
    expect(purchase).toMatchObject({ status: 'completed', mca: { method: 'alreadyAccepted' } });
  });

  it('carries the correlation id into the response and the stored documents', async () => {
    const customerId = await scenario.aRegisteredCustomer();

    const started = await scenario.startPurchase(customerId, { mca: anAttestation() }, salesAgent, {
      'x-correlation-id': 'trace-purchase-42',
    });

    expect(started.headers.get('x-correlation-id')).toBe('trace-purchase-42');
    const purchase = await scenario.settledPurchase(scenario.purchaseIdOf(started));
    const { resource: order } = await service.cosmos.containers.customers
      .item(purchase.order?.id ?? '', customerId)
      .read<{ correlationId: string }>();
    expect(order?.correlationId).toBe('trace-purchase-42');
  });
});

describe('an invited purchase', () => {
  it('waits for the signature, then completes when the customer accepts through the link', async () => {
    const customerId = await scenario.aRegisteredCustomer({ relationship: 'indirectReseller' });

    const started = await scenario.startPurchase(customerId, {
      mca: { method: 'invite', email: 'cfo@contoso.example' },
    });

    const purchaseId = scenario.purchaseIdOf(started);
    const waiting = await scenario.settledPurchase(purchaseId);
    expect(waiting).toMatchObject({
      status: 'awaitingCustomerSignature',
      invitation: { email: 'cfo@contoso.example', remindersSent: 0 },
    });
    const [invitation, ...others] = await scenario.notificationsOf(purchaseId);
    expect(others).toEqual([]);
    expect(invitation).toMatchObject({
      type: 'mcaInvitation',
      customerId,
      email: 'cfo@contoso.example',
      expiresAt: waiting.invitation?.expiresAt,
    });
    expect(invitation?.acceptUrl).toMatch(/\/api\/invitations\/[A-Za-z0-9_-]{43}\/accept$/);

    const acceptPath = await scenario.acceptPathOf(purchaseId);
    const accepted = await service.call('POST', acceptPath, { body: aContact });

    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      type: 'MicrosoftCustomerAgreement',
      method: 'customerDirectAcceptance',
      primaryContact: aContact,
    });
    expect(await scenario.settledPurchase(purchaseId)).toMatchObject({
      status: 'completed',
      mca: { method: 'invite', accepted: true },
    });
    expect((await service.call('POST', acceptPath, { body: aContact })).body).toMatchObject({
      status: 410,
      code: 'InvitationExpired',
    });
  });

  it('goes on at once when the partner attests while it waits', async () => {
    const customerId = await scenario.aRegisteredCustomer();
    const started = await scenario.startPurchase(customerId, { mca: { method: 'invite' } });
    const purchaseId = scenario.purchaseIdOf(started);
    expect((await scenario.settledPurchase(purchaseId)).status).toBe('awaitingCustomerSignature');

    const attested = await service.call('POST', `/api/customers/${customerId}/agreements`, {
      as: salesAgent,
      body: { type: 'MicrosoftCustomerAgreement', primaryContact: aContact, dateAgreed: '2026-01-05' },
    });

    expect(attested.status).toBe(201);
    expect((await scenario.settledPurchase(purchaseId)).status).toBe('completed');
  });

  it('reminds the customer every interval and expires without an order when nobody signs', async () => {
    const customerId = await scenario.aRegisteredCustomer();
    const started = await scenario.startPurchase(customerId, {
      mca: { method: 'invite', reminderEveryHours: 24, expiresInDays: 3 },
    });
    const purchaseId = scenario.purchaseIdOf(started);
    await service.host.waitForIdle();
    const acceptPath = await scenario.acceptPathOf(purchaseId);

    for (let day = 1; day <= 2; day += 1) {
      await service.host.advance(24 * hourMs);
      expect(await scenario.settledPurchase(purchaseId)).toMatchObject({
        status: 'awaitingCustomerSignature',
        invitation: { remindersSent: day },
      });
    }
    await service.host.advance(24 * hourMs);

    expect(await scenario.settledPurchase(purchaseId)).toMatchObject({
      status: 'expired',
      invitation: { remindersSent: 2 },
    });
    const types = (await scenario.notificationsOf(purchaseId)).map((notification) => notification.type);
    expect(types).toEqual(['mcaInvitation', 'mcaReminder', 'mcaReminder', 'mcaExpired']);
    expect(await scenario.storedDocuments(customerId)).not.toHaveProperty('order');
    expect((await service.call('POST', acceptPath, { body: aContact })).status).toBe(410);
    expect((await scenario.customer(customerId)).activePurchase).toBeNull();
  });

  it('runs on a minutes-long schedule too (fractional hours and days)', async () => {
    const customerId = await scenario.aRegisteredCustomer();
    const started = await scenario.startPurchase(customerId, {
      mca: { method: 'invite', reminderEveryHours: 1 / 60, expiresInDays: 3 / 1440 },
    });
    const purchaseId = scenario.purchaseIdOf(started);
    await service.host.waitForIdle();

    await service.host.advance(3 * 60_000);

    expect(await scenario.settledPurchase(purchaseId)).toMatchObject({
      status: 'expired',
      invitation: { remindersSent: 2 },
    });
    const types = (await scenario.notificationsOf(purchaseId)).map((notification) => notification.type);
    expect(types).toEqual(['mcaInvitation', 'mcaReminder', 'mcaReminder', 'mcaExpired']);
  });

  it('is cancelled while it waits, and is not cancellable afterwards', async () => {
    const customerId = await scenario.aRegisteredCustomer();
    const started = await scenario.startPurchase(customerId, { mca: { method: 'invite' } });
    const purchaseId = scenario.purchaseIdOf(started);
    await service.host.waitForIdle();
    const acceptPath = await scenario.acceptPathOf(purchaseId);

    const cancelled = await service.call('POST', `/api/purchases/${purchaseId}/cancel`, { as: salesAgent });

    expect(cancelled.status).toBe(202);
    expect((await scenario.settledPurchase(purchaseId)).status).toBe('cancelled');
    expect((await service.call('POST', acceptPath, { body: aContact })).status).toBe(410);
    const again = await service.call('POST', `/api/purchases/${purchaseId}/cancel`, { as: salesAgent });
    expect(again.body).toMatchObject({ status: 409, code: 'PurchaseNotCancellable' });
    const next = await scenario.startPurchase(customerId, { mca: anAttestation() });
    expect(next.status).toBe(202);
    await service.host.waitForIdle();
  });
});

describe('one Azure plan per customer', () => {
  it('starts exactly one of twenty concurrent purchases and places one plan', async () => {
    const customerId = await scenario.aRegisteredCustomer();

    const responses = await Promise.all(
      Array.from({ length: 20 }, () => scenario.startPurchase(customerId, { mca: anAttestation() })),
    );

    const accepted = responses.filter((response) => response.status === 202);
    expect(accepted).toHaveLength(1);
    const refused = responses.filter((response) => response.status === 409);
    expect(refused).toHaveLength(19);
    for (const response of refused) {
      expect(['OrderInProgress', 'AzurePlanAlreadyExists']).toContain(problemOf(response).code);
    }
    const [winner] = accepted;
    if (!winner) throw new Error('no purchase started');
    expect((await scenario.settledPurchase(scenario.purchaseIdOf(winner))).status).toBe('completed');
    expect(await scenario.storedDocuments(customerId)).toMatchObject({
      azurePlanMarker: 1,
      order: 1,
      subscription: 1,
      azureEntitlement: 1,
    });
  });

  it('refuses a second purchase once the customer has the plan', async () => {
    const customerId = await scenario.aRegisteredCustomer();
    const first = await scenario.startPurchase(customerId, { mca: anAttestation() });
    await scenario.settledPurchase(scenario.purchaseIdOf(first));

    const second = await scenario.startPurchase(customerId, {});

    expect(second.body).toMatchObject({ status: 409, code: 'AzurePlanAlreadyExists' });
  });

  it('refuses another purchase while one waits for the signature', async () => {
    const customerId = await scenario.aRegisteredCustomer();
    const waiting = await scenario.startPurchase(customerId, { mca: { method: 'invite' } });
    await service.host.waitForIdle();

    const second = await scenario.startPurchase(customerId, { mca: anAttestation() });

    expect(second.body).toMatchObject({ status: 409, code: 'OrderInProgress', partnerCenterCode: 800060 });
    await service.call('POST', `/api/purchases/${scenario.purchaseIdOf(waiting)}/cancel`, {
      as: salesAgent,
    });
    await service.host.waitForIdle();
  });
});
