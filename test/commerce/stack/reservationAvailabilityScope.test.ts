import { randomUUID } from 'node:crypto';

import { type PartnerCenterSimulator } from '@azure-plan-local/simulators';
import { type RunningSimulators, startSimulators } from '@azure-plan-local/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createReservationUseCases } from '../../../shared/commerce/reservationPurchases';
import {
  createMicrosoftGateways,
  type MicrosoftGateways,
} from '../../../shared/gateways/createMicrosoftGateways';
import { loadConfig } from '../../../shared/platform/config';
import { commerceRecords, customerStore, noWait, operationStore } from '../../shared/commerce/commerceFakes';
import { aCustomer } from '../../support/fixtures';

// Issue 15 row 4: a reservation bought against an Azure plan needs the availability read with
// `reservationScope=AzurePlan`; without it Partner Center answers the availabilities for Microsoft Azure (0145P)
// subscriptions (reference §3.6–3.7). The simulator honours the parameter, and the reservation use case sends it.

const reservationProduct = 'DZH318Z0BQ3Q';
/** The availability of the reference's `reservationScope=AzurePlan` example (US, §3.6). */
const documentedAzurePlanItem = 'DZH318Z0BQ3Q:0001:DZH318XZXVNF';
const correlation = { correlationId: randomUUID() };

let simulators: RunningSimulators;
let partnerCenter: PartnerCenterSimulator;
let gateways: MicrosoftGateways;

beforeAll(async () => {
  simulators = await startSimulators();
  partnerCenter = simulators.partnerCenter;
  gateways = createMicrosoftGateways(
    loadConfig({
      COSMOS_ENDPOINT: 'http://127.0.0.1:1',
      AUTH_ISSUER: 'unused',
      AUTH_AUDIENCE: 'unused',
      AUTH_JWKS_URI: 'unused',
      AzureWebJobsStorage: 'unused',
      INVITATION_TOKEN_SECRET: 'x'.repeat(32),
      ...simulators.settings,
    }),
  );
});

afterAll(async () => {
  await simulators.stop();
});

/** Polls by moving the simulators' virtual clock (no fixed sleeps). */
async function eventually<T>(read: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const value = await read();
    if (value !== undefined) return value;
    simulators.advanceClock(60_000);
  }
  throw new Error('condition not reached');
}

describe('reservation availability scope', () => {
  it('the simulator answers Azure-plan availabilities only with reservationScope=AzurePlan', async () => {
    const pc = gateways.partnerCenter;
    const forPlan = await pc.getAvailability(reservationProduct, '0001', 'US', correlation, {
      reservationScope: 'AzurePlan',
    });
    const for0145P = await pc.getAvailability(reservationProduct, '0001', 'US', correlation);
    expect(forPlan?.catalogItemId).toBe(documentedAzurePlanItem);
    expect(for0145P?.catalogItemId).toMatch(/^DZH318Z0BQ3Q:0001:DZH3/);
    expect(for0145P?.catalogItemId).not.toBe(forPlan?.catalogItemId);
  });

  it('a reservation for an Azure plan is bought with the AzurePlan-scoped catalog item', async () => {
    const pc = gateways.partnerCenter;
    const customerId = String(partnerCenter.controls.seedCustomer({ country: 'US', directSigned: true }).id);
    const step = (name: string) => ({ ...correlation, stepKey: `scope-test:${customerId}:${name}` });

    // The plan, bought at the simulator through its API.
    const plan = await pc.getAzurePlanAvailability('US', correlation);
    const cart = await pc.createCart(
      customerId,
      [{ catalogItemId: plan?.catalogItemId ?? '', quantity: 1, billingCycle: 'one_time' }],
      step('plan-cart'),
    );
    const orderId = (await pc.checkout(customerId, cart.id, step('plan-checkout'))).orders[0]?.id ?? '';
    const planId = await eventually(
      async () =>
        (await pc.getOrder(customerId, orderId, correlation)).lineItems[0]?.subscriptionId ?? undefined,
    );
    await eventually(async () =>
      (await pc.listAzureEntitlements(customerId, planId, correlation)).some((e) => e.status === 'active')
        ? true
        : undefined,
    );

    const operations = operationStore();
    const reservations = createReservationUseCases({
      customers: customerStore(
        aCustomer({
          customerId,
          id: customerId,
          partnerCenterCustomerId: customerId,
          country: 'US',
          azurePlan: { subscriptionId: planId, orderId, status: 'active' },
        }),
      ),
      operations,
      records: commerceRecords(),
      partnerCenter: pc,
      reservationsUnavailable: new Set(),
      clock: { now: () => new Date() },
      wait: noWait(1),
    });
    let operation = await reservations.start({
      customerId,
      request: {
        azurePlanSubscriptionId: planId,
        productId: reservationProduct,
        skuId: '0001',
        reservationType: 'VirtualMachines',
        region: 'eastus',
        quantity: 1,
        termDuration: 'P1Y',
        billingCycle: 'one_time',
      },
      operationId: randomUUID(),
      correlationId: correlation.correlationId,
    });
    operation = await eventually(async () => {
      const next = await reservations.advance(operation);
      operation = next;
      return next.status === 'running' ? undefined : next;
    });
    expect(operation).toMatchObject({ status: 'succeeded' });
    const reservationOrderId = String(operation.progress.orderId);
    const order = await pc.getOrder(customerId, reservationOrderId, correlation);
    expect(order.lineItems.map((line) => line.offerId)).toEqual([documentedAzurePlanItem]);
  });
});
