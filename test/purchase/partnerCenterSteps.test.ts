import { InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';

import {
  createPartnerCenterSteps,
  type PartnerCenterStepDependencies,
} from '../../orchestrations/purchase/partnerCenterSteps';
import { attestAgreement } from '../../shared/agreements/attestAgreement';
import { type InvitationDocument } from '../../shared/domain/documents/invitation';
import { newDirectAcceptance } from '../../shared/domain/rules/mcaAgreement';
import { PartnerCenterError } from '../../shared/gateways/partnerCenter/partnerCenterError';
import { createInvitationAcceptance } from '../../shared/invitations/invitationAcceptance';
import { aContact, aStoredInvitation } from '../support/fixtures';
import { createInMemoryPartnerCenterAgreements } from '../support/inMemory/inMemoryPartnerCenterAgreements';
import {
  createInMemoryPartnerCenterCustomers,
  storeLinkedCustomer,
} from '../support/inMemory/inMemoryPartnerCenterCustomers';
import {
  createInMemoryAgreementRepository,
  createInMemoryCustomerRepository,
  createInMemoryInvitationRepository,
} from '../support/inMemory/inMemoryRepositories';

const now = new Date('2026-03-02T09:00:00.000Z');
const tokenSecret = 'activity-test-secret';
const acceptedAt = '2026-03-02T08:00:00.000Z';
const log = new InvocationContext({ functionName: 'activity-test', logHandler: () => undefined });
const confirm = { purchaseId: 'purchase-1', customerId: 'contoso', correlationId: 'correlation-1' };

/** The purchase's Partner Center steps over in-memory stores and Partner Center; `invitation`: the stored one. */
async function overMemory(invitation?: Partial<InvitationDocument>) {
  const customers = createInMemoryCustomerRepository();
  const agreements = createInMemoryAgreementRepository();
  const invitations = createInMemoryInvitationRepository();
  const mca = createInMemoryPartnerCenterAgreements();
  const partnerCenter = { ...createInMemoryPartnerCenterCustomers(), ...mca };
  await storeLinkedCustomer(customers, partnerCenter, { mca: { accepted: false } });
  if (invitation) await invitations.createOnce(aStoredInvitation(tokenSecret, invitation));
  const activities = createPartnerCenterSteps({
    customers,
    agreements,
    // The steps under test use the customer and MCA calls only.
    partnerCenter: partnerCenter as unknown as PartnerCenterStepDependencies['partnerCenter'],
    invitations,
    invitationAcceptance: createInvitationAcceptance({
      invitations,
      agreements,
      customers,
      clock: { now: () => now },
    }),
    invitationLinks: { tokenSecret },
  });
  return { activities, customers, agreements, mca, partnerCenter };
}

describe('confirmMca, over in-memory stores and Partner Center', () => {
  it('does nothing at Partner Center for an acceptance the partner already attested there', async () => {
    const { activities, customers, agreements, mca, partnerCenter } = await overMemory();
    await attestAgreement(
      { customers, agreements, partnerCenter, clock: { now: () => now } },
      { ...confirm, primaryContact: aContact, dateAgreed: '2026-01-05T00:00:00.000Z', userId: 'sally' },
    );

    const confirmed = await activities.confirmMca(confirm, log);

    expect(confirmed).toMatchObject({ outcome: 'done' });
    expect(mca.calls.attest).toBe(1);
  });

  it('attests the acceptance the service holds once, however often the step runs', async () => {
    const { activities, customers, agreements, mca } = await overMemory();
    const accepted = newDirectAcceptance({
      customerId: 'contoso',
      invitationId: 'inv-1',
      primaryContact: aContact,
      dateAgreed: '2026-02-01T10:00:00.000Z',
      correlationId: 'correlation-1',
      now,
    });
    await agreements.create(accepted);
    await customers.recordMcaAcceptance(accepted, { now, correlationId: 'correlation-1' });

    const first = await activities.confirmMca(confirm, log);
    const again = await activities.confirmMca(confirm, log);

    expect(first).toMatchObject({ outcome: 'done' });
    expect(again).toEqual(first);
    expect(mca.calls.attest).toBe(1);
    const pcId = (first as { value: { partnerCenterCustomerId: string } }).value.partnerCenterCustomerId;
    expect(mca.agreementsOf(pcId)).toEqual([
      expect.objectContaining({ primaryContact: aContact, dateAgreed: '2026-02-01T00:00:00Z' }),
    ]);
  });
});

describe('readSignature (the truth a waiting purchase re-reads)', () => {
  it('finishes an acceptance cut short after the claim, so confirmMca finds the agreement, and answers accepted', async () => {
    // A link claimed by a process that died before it recorded the agreement.
    const { activities, customers, agreements, mca } = await overMemory({
      status: 'accepted',
      acceptedAt,
      acceptedBy: aContact,
      correlationId: 'accept-1',
    });

    expect(await activities.readSignature(confirm, log)).toBe('accepted');

    expect(await agreements.list('contoso')).toMatchObject([{ dateAgreed: acceptedAt }]);
    expect((await customers.get('contoso'))?.mca.accepted).toBe(true);
    expect(await activities.confirmMca(confirm, log)).toMatchObject({ outcome: 'done' });
    expect(mca.calls.attest).toBe(1);
  });

  it('is still waiting while the link is unused and the customer has no Partner Center id to ask about', async () => {
    const { activities, agreements } = await overMemory({ status: 'pending' });

    expect(await activities.readSignature(confirm, log)).toBe('waiting');
    expect(await agreements.list('contoso')).toEqual([]);
  });
});

describe('checkout and readProvisioning read what Partner Center holds', () => {
  const step = { ...confirm, partnerCenterCustomerId: 'pc-contoso', cartId: 'cart-1' };
  const planOffer = 'DZH318Z0BPS6:0001:DZH318Z0BML6';
  const refusedWith = (code: number) =>
    new PartnerCenterError({
      kind: 'Rejected',
      httpStatus: code === 800064 ? 409 : 400,
      partnerCenterCode: code,
      message: `refused ${code}`,
      isRetryable: false,
    });

  function activitiesOver(partnerCenter: Record<string, unknown>) {
    return createPartnerCenterSteps({
      customers: createInMemoryCustomerRepository(),
      agreements: createInMemoryAgreementRepository(),
      partnerCenter: partnerCenter as unknown as PartnerCenterStepDependencies['partnerCenter'],
      invitations: createInMemoryInvitationRepository(),
      invitationAcceptance: { recordAcceptance: () => Promise.resolve() } as never,
      invitationLinks: { tokenSecret },
    });
  }

  it.each([800064, 800065, 800060])(
    '%i while the lists lag: unsettled, not refused; once listed: the order',
    async (code) => {
      let orders: unknown[] = [];
      const activities = activitiesOver({
        checkout: () => Promise.reject(refusedWith(code)),
        listSubscriptions: () => Promise.resolve([]),
        listOrders: () => Promise.resolve(orders),
      });

      expect(await activities.checkout(step, log)).toEqual({
        outcome: 'done',
        value: { unsettled: code },
      });

      orders = [
        { id: 'old', status: 'cancelled', lineItems: [{ lineItemNumber: 0, offerId: planOffer }] },
        { id: 'pc-order-7', status: 'pending', lineItems: [{ lineItemNumber: 0, offerId: planOffer }] },
      ];
      expect(await activities.checkout(step, log)).toEqual({
        outcome: 'done',
        value: { orderId: 'pc-order-7' },
      });
    },
  );

  it('finds the order through the plan subscription when the orders list does not show it', async () => {
    const activities = activitiesOver({
      checkout: () => Promise.reject(refusedWith(800064)),
      listSubscriptions: () =>
        Promise.resolve([{ id: 'plan-1', offerId: planOffer, status: 'active', orderId: 'pc-order-9' }]),
      listOrders: () => Promise.resolve([]),
    });
    expect(await activities.checkout(step, log)).toEqual({
      outcome: 'done',
      value: { orderId: 'pc-order-9' },
    });
  });

  it('other refusals stay refusals (13605)', async () => {
    const activities = activitiesOver({ checkout: () => Promise.reject(refusedWith(13605)) });
    expect(await activities.checkout(step, log)).toMatchObject({
      outcome: 'refused',
      error: { code: 'McaNotAccepted', partnerCenterCode: 13605 },
    });
  });

  const look = { ...confirm, partnerCenterCustomerId: 'pc-contoso', orderId: 'pc-order-1' };
  const order = (status: string, subscriptionId?: string) => ({
    id: 'pc-order-1',
    status,
    lineItems: [{ lineItemNumber: 0, offerId: planOffer, ...(subscriptionId ? { subscriptionId } : {}) }],
  });

  it('a cancelled order is reported at once as OrderCancelled; an error status as PartnerCenterRejected', async () => {
    const cancelled = activitiesOver({ getOrder: () => Promise.resolve(order('cancelled')) });
    expect(await cancelled.readProvisioning(look, log)).toMatchObject({
      outcome: 'refused',
      error: { code: 'OrderCancelled' },
    });
    const failed = activitiesOver({ getOrder: () => Promise.resolve(order('error')) });
    expect(await failed.readProvisioning(look, log)).toMatchObject({
      outcome: 'refused',
      error: { code: 'PartnerCenterRejected' },
    });
  });

  it('a held order (pending review, pending) is still waited for', async () => {
    for (const status of ['pendingReview', 'pending', 'pending po upload']) {
      const held = activitiesOver({ getOrder: () => Promise.resolve(order(status)) });
      expect(await held.readProvisioning(look, log)).toEqual({
        outcome: 'done',
        value: { provisioned: false },
      });
    }
  });
});
