import { describe, expect, it } from 'vitest';

import { type ReservationRequest, reservationRequestSchema } from '../../../../shared/domain/api/reservation';
import {
  checkReservation,
  provisioningContextFor,
  reservationOrder,
} from '../../../../shared/domain/rules/reservations';
import { aCustomer } from '../../../support/fixtures';
import { refusalCode } from '../../../support/refusalCode';

const aCustomerWithAnActivePlan = aCustomer({
  azurePlan: { subscriptionId: 'plan-1', orderId: 'plan-order-1', status: 'active' },
});

const aVirtualMachineReservation: ReservationRequest = {
  azurePlanSubscriptionId: 'plan-1',
  productId: 'DZH318Z0BQ3Q',
  skuId: '0001',
  reservationType: 'VirtualMachines',
  region: 'westeurope',
  quantity: 2,
  termDuration: 'P3Y',
  billingCycle: 'monthly',
};

const noUnavailableMarkets = new Set<string>();

describe('reservation requests', () => {
  it('spell the term out in the provisioning context and always use the shared scope', () => {
    expect(provisioningContextFor('plan-1', 'P1Y')).toEqual({
      subscriptionId: 'plan-1',
      scope: 'shared',
      duration: '1Year',
    });
    expect(provisioningContextFor('plan-1', 'P3Y').duration).toBe('3Year');
  });

  it('accept only the terms P1Y and P3Y and the billing cycles one_time and monthly', () => {
    expect(reservationRequestSchema.safeParse(aVirtualMachineReservation).success).toBe(true);
    expect(
      reservationRequestSchema.safeParse({ ...aVirtualMachineReservation, termDuration: 'P5Y' }).success,
    ).toBe(false);
    expect(
      reservationRequestSchema.safeParse({ ...aVirtualMachineReservation, billingCycle: 'annual' }).success,
    ).toBe(false);
  });

  it('refuse unknown fields and a quantity below one', () => {
    expect(
      reservationRequestSchema.safeParse({ ...aVirtualMachineReservation, colour: 'blue' }).success,
    ).toBe(false);
    expect(reservationRequestSchema.safeParse({ ...aVirtualMachineReservation, quantity: 0 }).success).toBe(
      false,
    );
  });

  it('pass with an active plan of the customer and the shared scope, however it is capitalised', () => {
    for (const scope of [undefined, 'shared', 'Shared']) {
      expect(
        refusalCode(() =>
          checkReservation({
            customer: aCustomerWithAnActivePlan,
            request: { ...aVirtualMachineReservation, ...(scope ? { scope } : {}) },
            reservationsUnavailable: noUnavailableMarkets,
          }),
        ),
      ).toBeUndefined();
    }
  });

  it('refuse any scope but shared with ReservationScopeNotSupported', () => {
    for (const scope of ['single', 'Single', 'resourceGroup', 'managementGroup']) {
      expect(
        refusalCode(() =>
          checkReservation({
            customer: aCustomerWithAnActivePlan,
            request: { ...aVirtualMachineReservation, scope },
            reservationsUnavailable: noUnavailableMarkets,
          }),
        ),
      ).toBe('ReservationScopeNotSupported');
    }
  });

  it('refuse a customer in a market where reservations are not sold', () => {
    expect(
      refusalCode(() =>
        checkReservation({
          customer: { ...aCustomerWithAnActivePlan, country: 'BR' },
          request: aVirtualMachineReservation,
          reservationsUnavailable: new Set(['BR']),
        }),
      ),
    ).toBe('ReservationNotAvailable');
  });

  it('refuse with AzurePlanNotActive without a plan, with another subscription, or with a suspended plan', () => {
    const refusals = [
      { customer: aCustomer(), request: aVirtualMachineReservation },
      {
        customer: aCustomerWithAnActivePlan,
        request: { ...aVirtualMachineReservation, azurePlanSubscriptionId: 'someone-elses-plan' },
      },
      {
        customer: aCustomer({ azurePlan: { subscriptionId: 'plan-1', orderId: 'o', status: 'suspended' } }),
        request: aVirtualMachineReservation,
      },
    ];
    for (const { customer, request } of refusals) {
      expect(
        refusalCode(() =>
          checkReservation({ customer, request, reservationsUnavailable: noUnavailableMarkets }),
        ),
      ).toBe('AzurePlanNotActive');
    }
  });

  it('refuse the Azure plan product itself as a reservation', () => {
    expect(
      refusalCode(() =>
        checkReservation({
          customer: aCustomerWithAnActivePlan,
          request: { ...aVirtualMachineReservation, productId: 'DZH318Z0BPS6' },
          reservationsUnavailable: noUnavailableMarkets,
        }),
      ),
    ).toBe('InvalidRequest');
  });
});

describe('a reservation order', () => {
  const { order, subscription } = reservationOrder({
    customerId: 'contoso',
    request: aVirtualMachineReservation,
    orderId: 'order-7',
    reservationSubscriptionId: 'reservation-7',
    correlationId: 'corr-1',
    now: new Date('2026-03-01T10:00:00Z'),
  });

  it('has one line for the product and sku with the provisioning context of the plan and term', () => {
    expect(order).toMatchObject({
      id: 'order-7',
      referenceCustomerId: 'contoso',
      billingCycle: 'monthly',
      status: 'completed',
      lineItems: [
        {
          lineItemNumber: 0,
          offerId: 'DZH318Z0BQ3Q:0001',
          subscriptionId: 'reservation-7',
          quantity: 2,
          termDuration: 'P3Y',
          provisioningContext: { subscriptionId: 'plan-1', scope: 'shared', duration: '3Year' },
        },
      ],
    });
  });

  it('creates a reservation subscription linked to its order', () => {
    expect(subscription).toMatchObject({
      id: 'reservation-7',
      orderId: 'order-7',
      quantity: 2,
      termDuration: 'P3Y',
      billingType: 'license',
      status: 'active',
      reservation: { scope: 'shared', azurePlanSubscriptionId: 'plan-1', region: 'westeurope' },
    });
  });
});
