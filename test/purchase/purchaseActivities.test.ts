import { InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';

import {
  createPurchaseActivities,
  type PurchaseActivityDependencies,
} from '../../orchestrations/purchase/purchaseActivities';
import { type InviteCustomerInput } from '../../orchestrations/purchase/purchaseWorkflowContract';
import { type AzurePlanOrderRepository } from '../../shared/commerce/azurePlanOrders';
import { invitationIdOf, invitationToken } from '../../shared/invitations/invitationToken';
import { createFaultInjector } from '../../shared/platform/faultInjection';
import { aCustomer } from '../support/fixtures';
import {
  aRecordingNotificationSender,
  createInMemoryCustomerRepository,
  createInMemoryInvitationRepository,
} from '../support/inMemory/inMemoryRepositories';

const tokenSecret = 'activity-test-secret';
const now = new Date('2026-03-02T09:00:00.000Z');
const log = new InvocationContext({ functionName: 'activity-test', logHandler: () => undefined });

const anInvite: InviteCustomerInput = {
  purchaseId: 'purchase-1',
  customerId: 'contoso',
  email: 'ada@contoso.example',
  expiresAt: '2026-04-01T09:00:00.000Z',
  correlationId: 'correlation-1',
};

async function purchaseActivitiesOverMemory() {
  const customers = createInMemoryCustomerRepository();
  const invitations = createInMemoryInvitationRepository();
  const notifications = aRecordingNotificationSender();
  await customers.create(
    aCustomer({ workInProgress: { kind: 'purchase', id: 'purchase-1', startedAt: now.toISOString() } }),
  );
  const activities = createPurchaseActivities({
    customers,
    invitations,
    azurePlanOrders: {} as AzurePlanOrderRepository,
    notifications,
    clock: { now: () => now },
    faults: createFaultInjector(''),
    invitationLinks: { tokenSecret, publicBaseUrl: 'https://plans.example' },
    // The activities under test use the stores only.
    agreements: {} as PurchaseActivityDependencies['agreements'],
    partnerCenter: {} as PurchaseActivityDependencies['partnerCenter'],
    invitationAcceptance: {} as PurchaseActivityDependencies['invitationAcceptance'],
  });
  const invitationId = invitationIdOf(invitationToken(tokenSecret, 'purchase-1'));
  return { activities, customers, invitations, notifications, invitationId };
}

describe('purchase activities, over in-memory stores', () => {
  it('inviteCustomer stores a pending invitation under the hash of its token and sends the link once', async () => {
    const { activities, invitations, notifications, invitationId } = await purchaseActivitiesOverMemory();

    await activities.inviteCustomer(anInvite, log);
    await activities.inviteCustomer(anInvite, log); // retried by the runtime

    expect(await invitations.get(invitationId)).toMatchObject({
      status: 'pending',
      purchaseId: 'purchase-1',
      expiresAt: anInvite.expiresAt,
    });
    expect(notifications.sent.map((n) => n.type)).toEqual(['mcaInvitation']);
    expect(notifications.sent[0]?.acceptUrl).toMatch(
      /^https:\/\/plans\.example\/api\/invitations\/[A-Za-z0-9_-]{43}\/accept$/,
    );
    // Only the hash is stored: the link's token is not the invitation's id.
    expect(notifications.sent[0]?.acceptUrl).not.toContain(invitationId);
  });

  it('remindCustomer sends one reminder per round, however often it runs', async () => {
    const { activities, notifications } = await purchaseActivitiesOverMemory();

    await activities.remindCustomer({ ...anInvite, round: 1 }, log);
    await activities.remindCustomer({ ...anInvite, round: 1 }, log);
    await activities.remindCustomer({ ...anInvite, round: 2 }, log);

    expect(notifications.sent.map((n) => [n.type, n.round])).toEqual([
      ['mcaReminder', 1],
      ['mcaReminder', 2],
    ]);
  });

  it('closeInvitation on expiry marks the invitation expired, tells the customer and frees the work in progress', async () => {
    const { activities, customers, invitations, notifications, invitationId } =
      await purchaseActivitiesOverMemory();
    await activities.inviteCustomer(anInvite, log);

    await activities.closeInvitation({ ...anInvite, outcome: 'expired' }, log);

    expect(await invitations.get(invitationId)).toMatchObject({ status: 'expired' });
    expect(notifications.sent.map((n) => n.type)).toEqual(['mcaInvitation', 'mcaExpired']);
    expect((await customers.get('contoso'))?.workInProgress).toBeNull();
  });

  it('closeInvitation on cancel sends no expiry notice', async () => {
    const { activities, invitations, notifications, invitationId } = await purchaseActivitiesOverMemory();
    await activities.inviteCustomer(anInvite, log);

    await activities.closeInvitation({ ...anInvite, outcome: 'cancelled' }, log);

    expect(await invitations.get(invitationId)).toMatchObject({ status: 'cancelled' });
    expect(notifications.sent.map((n) => n.type)).toEqual(['mcaInvitation']);
  });

  it('closeInvitation leaves an invitation the customer accepted meanwhile accepted', async () => {
    const { activities, invitations, invitationId } = await purchaseActivitiesOverMemory();
    await activities.inviteCustomer(anInvite, log);
    const pending = await invitations.get(invitationId);
    await invitations.replace({ ...pending!, status: 'accepted' });

    await activities.closeInvitation({ ...anInvite, outcome: 'expired' }, log);

    expect(await invitations.get(invitationId)).toMatchObject({ status: 'accepted' });
  });

  it('releaseWorkInProgress frees the work in progress only for the purchase that holds it', async () => {
    const { activities, customers } = await purchaseActivitiesOverMemory();

    await activities.releaseWorkInProgress(
      { purchaseId: 'someone-else', customerId: 'contoso', correlationId: 'c' },
      log,
    );
    expect((await customers.get('contoso'))?.workInProgress).toMatchObject({ id: 'purchase-1' });

    await activities.releaseWorkInProgress(
      { purchaseId: 'purchase-1', customerId: 'contoso', correlationId: 'c' },
      log,
    );
    expect((await customers.get('contoso'))?.workInProgress).toBeNull();
  });
});
