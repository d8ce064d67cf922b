import { afterEach, describe, expect, it } from 'vitest';

import { parseFaultSwitches } from '../../partnerCenter';
import { mcaAttestation, planLine, type SimulatorFixture, startSimulator } from '../partnerCenterFixture';

// Each fault switch (SIMULATOR_FAULTS), seen through the simulated API only.
describe('Partner Center simulator: fault switches', () => {
  let pc: SimulatorFixture | undefined;
  afterEach(async () => {
    await pc?.stop();
    pc = undefined;
  });

  async function checkedOut(sim: SimulatorFixture) {
    const customerId = sim.simulator.controls.seedCustomer({ country: 'US' }).id as string;
    await sim.call('POST', `/v1/customers/${customerId}/agreements`, { body: mcaAttestation() });
    const cart = await sim.call('POST', `/v1/customers/${customerId}/carts`, { body: planLine() });
    const path = `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`;
    const checkout = await sim.call('POST', path);
    expect(checkout.status).toBe(201);
    return { customerId, path, orderId: checkout.body.orders[0]!.id };
  }

  it('reads SIMULATOR_FAULTS: comma-separated names, blanks ignored, an unknown name refused with the list', () => {
    expect(parseFaultSwitches(' throttle, outage ,,throttle')).toEqual(['throttle', 'outage']);
    expect(parseFaultSwitches(undefined)).toEqual([]);
    expect(() => parseFaultSwitches('throttle,slowness')).toThrow(/unknown slowness.*checkoutInProgress/);
  });

  it('checkoutInProgress: a repeated checkout within the window is 409 800064, then the first result', async () => {
    pc = await startSimulator({ faults: { switches: ['checkoutInProgress'], inProgressMs: 60_000 } });
    const { path, orderId } = await checkedOut(pc);
    const repeat = await pc.call('POST', path);
    expect(repeat.status).toBe(409);
    expect(repeat.body).toMatchObject({ code: 800064, source: 'PartnerFD' });
    pc.advance(60_000);
    const later = await pc.call('POST', path);
    expect(later.status).toBe(201);
    expect(later.body.orders[0]!.id).toBe(orderId);
  });

  it('checkoutAlreadySubmitted: a repeated checkout of an ordered cart is 400 800065', async () => {
    pc = await startSimulator({ faults: { switches: ['checkoutAlreadySubmitted'] } });
    const { path } = await checkedOut(pc);
    const repeat = await pc.call('POST', path);
    expect(repeat.status).toBe(400);
    expect(repeat.body).toMatchObject({ code: 800065 });
  });

  it('orderListLag: a new order is missing from the list for the lag, GET by id finds it at once', async () => {
    pc = await startSimulator({
      orderListDelayMs: 0,
      faults: { switches: ['orderListLag'], listLagMs: 10 * 60_000 },
    });
    const { customerId, orderId } = await checkedOut(pc);
    const listed = async () =>
      (await pc!.call('GET', `/v1/customers/${customerId}/orders`)).body.items.map((order) => order.id);
    expect(await listed()).toEqual([]);
    expect((await pc.call('GET', `/v1/customers/${customerId}/orders/${orderId}`)).status).toBe(200);
    pc.advance(10 * 60_000);
    expect(await listed()).toEqual([orderId]);
    // Off: the same simulator lists at once.
    pc.simulator.controls.setFaults({ switches: [] });
    const second = await checkedOut(pc);
    expect((await pc.call('GET', `/v1/customers/${second.customerId}/orders`)).body.items).toHaveLength(1);
  });

  it('throttle: a share of calls is 429 with Retry-After and the throttling body, the same calls for the same seed', async () => {
    const statuses = async (seed: number) => {
      const sim = await startSimulator({
        faults: { switches: ['throttle'], throttleShare: 0.5, throttleRetryAfterSeconds: 7, seed },
      });
      try {
        const customerId = sim.simulator.controls.seedCustomer({ country: 'US' }).id as string;
        const seen: number[] = [];
        for (let index = 0; index < 20; index += 1) {
          const response = await sim.call('GET', `/v1/customers/${customerId}`);
          seen.push(response.status);
          if (response.status === 429) {
            expect(response.headers.get('retry-after')).toBe('7');
            expect(response.body).toEqual({
              statusCode: 429,
              message: 'Rate limit is exceeded. Try again in 7 seconds.',
            });
          }
        }
        return seen;
      } finally {
        await sim.stop();
      }
    };
    const first = await statuses(42);
    expect(first).toContain(429);
    expect(first).toContain(200);
    expect(await statuses(42)).toEqual(first);
  });

  it('outage: calls are answered 503 or dropped, before or after the work', async () => {
    pc = await startSimulator({ faults: { switches: ['outage'], outageShare: 1, seed: 7 } });
    const customerId = pc.simulator.controls.seedCustomer({ country: 'US' }).id as string;
    const seen = new Set<string>();
    for (let index = 0; index < 30; index += 1) {
      try {
        const response = await pc.call('GET', `/v1/customers/${customerId}`);
        expect(response.status).toBe(503);
        expect(response.body).toMatchObject({ source: 'PartnerFD' });
        seen.add('503');
      } catch {
        seen.add('dropped');
      }
    }
    expect(seen).toEqual(new Set(['503', 'dropped']));
    expect(pc.simulator.controls.stats().byStatus).toMatchObject({ dropped: expect.any(Number) as unknown });
  });

  it('outage: a call dropped after its work did the work (a checkout is placed although its answer was lost)', async () => {
    pc = await startSimulator({ faults: { switches: [] } });
    const customerId = pc.simulator.controls.seedCustomer({ country: 'US' }).id as string;
    await pc.call('POST', `/v1/customers/${customerId}/agreements`, { body: mcaAttestation() });
    const cart = await pc.call('POST', `/v1/customers/${customerId}/carts`, { body: planLine() });
    const path = `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`;
    // Find a seed whose first draw drops after the work, so the checkout's answer is lost.
    let placedWithoutAnswer = false;
    for (let seed = 1; seed < 50 && !placedWithoutAnswer; seed += 1) {
      pc.simulator.controls.setFaults({ switches: ['outage'], outageShare: 1, seed });
      const answered = await pc.call('POST', path).then(
        () => true,
        () => false,
      );
      pc.simulator.controls.setFaults({ switches: [] });
      const cartNow = await pc.call('GET', `/v1/customers/${customerId}/carts/${cart.body.id}`);
      placedWithoutAnswer = !answered && cartNow.body.status === 'Ordered';
    }
    expect(placedWithoutAnswer).toBe(true);
    // The repeat on the same cart answers the first result: one order.
    const repeat = await pc.call('POST', path);
    expect(repeat.status).toBe(201);
    expect(repeat.body.orders).toHaveLength(1);
  });

  it('provisioningHeld: an order stays pending for the hold, then completes', async () => {
    pc = await startSimulator({
      provisioningDelayMs: 1_000,
      faults: { switches: ['provisioningHeld'], heldShare: 1, heldMs: 6 * 3_600_000 },
    });
    const { customerId, orderId } = await checkedOut(pc);
    const order = () => pc!.call('GET', `/v1/customers/${customerId}/orders/${orderId}`);
    pc.advance(5 * 3_600_000);
    expect((await order()).body).toMatchObject({ status: 'pending' });
    expect((await order()).body.lineItems[0]!.subscriptionId).toBeUndefined();
    pc.advance(3_600_000 + 1_000);
    expect((await order()).body.status).toBe('completed');
    expect((await order()).body.lineItems[0]!.subscriptionId).toEqual(expect.any(String));
  });

  it('orderCancelled: an order ends cancelled, lines Unfulfilled, nothing provisioned; the customer may buy again', async () => {
    pc = await startSimulator({
      provisioningDelayMs: 1_000,
      faults: { switches: ['orderCancelled'], cancelledShare: 1 },
    });
    const { customerId, orderId } = await checkedOut(pc);
    pc.advance(1_000);
    const order = await pc.call('GET', `/v1/customers/${customerId}/orders/${orderId}`);
    expect(order.body).toMatchObject({ status: 'cancelled' });
    expect(order.body.lineItems[0]!.subscriptionId).toBeUndefined();
    const provisioning = await pc.call(
      'GET',
      `/v1/customers/${customerId}/orders/${orderId}/provisioningstatus`,
    );
    expect(provisioning.body.items[0]).toMatchObject({ status: 'Unfulfilled' });
    expect((await pc.call('GET', `/v1/customers/${customerId}/subscriptions`)).body.items).toEqual([]);

    pc.simulator.controls.setFaults({ switches: [] });
    const cart = await pc.call('POST', `/v1/customers/${customerId}/carts`, { body: planLine() });
    const again = await pc.call('POST', `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`);
    expect(again.status).toBe(201);
  });

  it('0145P: a partner enrolled on or after 21 July 2021 gets the cart line refused with 500600', async () => {
    pc = await startSimulator({ partnerEnrolledAt: '2021-07-21T00:00:00Z' });
    const customerId = pc.simulator.controls.seedCustomer({ country: 'US' }).id as string;
    const legacyCart = {
      lineItems: [{ id: 0, catalogItemId: 'MS-AZR-0145P', quantity: 1, billingCycle: 'monthly' }],
    };
    const refused = await pc.call('POST', `/v1/customers/${customerId}/carts`, { body: legacyCart });
    expect(refused.status).toBe(201);
    expect(refused.body.lineItems[0]).toMatchObject({
      error: { errorCode: 500600, errorDescription: expect.stringMatching(/21 July 2021/) as unknown },
    });
    pc.simulator.controls.setBehaviour({ partnerEnrolledAt: '2021-07-20T00:00:00Z' });
    const accepted = await pc.call('POST', `/v1/customers/${customerId}/carts`, { body: legacyCart });
    expect(accepted.body.lineItems[0]!.error).toBeUndefined();
  });
});
