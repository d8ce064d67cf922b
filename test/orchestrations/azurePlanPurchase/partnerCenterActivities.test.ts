import { InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';

import {
  createPartnerCenterActivities,
  type PartnerCenterActivityDependencies,
} from '../../../orchestrations/azurePlanPurchase/partnerCenterActivities';
import { createInvitationAcceptance } from '../../../shared/invitations/invitationAcceptance';
import { aContact, aCustomer, aStoredInvitation } from '../../support/fixtures';
import {
  createInMemoryAgreementRepository,
  createInMemoryCustomerRepository,
  createInMemoryInvitationRepository,
} from '../../support/inMemory/inMemoryRepositories';

const tokenSecret = 'activity-test-secret';
const acceptedAt = '2026-03-02T09:00:00.000Z';
const log = new InvocationContext({ functionName: 'activity-test', logHandler: () => undefined });
const read = { purchaseId: 'purchase-1', customerId: 'contoso', correlationId: 'correlation-1' };

/** Partner Center must not be asked when the service's own records answer. */
const partnerCenterNotCalled = new Proxy({} as PartnerCenterActivityDependencies['partnerCenter'], {
  get: (_target, operation) => () => Promise.reject(new Error(`Partner Center asked: ${String(operation)}`)),
});

async function overMemory(invitationStatus: 'pending' | 'accepted') {
  const customers = createInMemoryCustomerRepository();
  const agreements = createInMemoryAgreementRepository();
  const invitations = createInMemoryInvitationRepository();
  const clock = { now: () => new Date('2026-03-02T10:00:00.000Z') };
  await customers.create(aCustomer({ mca: { accepted: false } }));
  await invitations.createOnce(
    aStoredInvitation(tokenSecret, {
      // A link claimed by a process that died before it recorded the agreement.
      ...(invitationStatus === 'accepted'
        ? { status: 'accepted' as const, acceptedAt, acceptedBy: aContact, correlationId: 'accept-1' }
        : { status: 'pending' as const }),
    }),
  );
  const activities = createPartnerCenterActivities({
    customers,
    agreements,
    partnerCenter: partnerCenterNotCalled,
    invitations,
    invitationAcceptance: createInvitationAcceptance({ invitations, agreements, customers, clock }),
    invitationTokenSecret: tokenSecret,
  });
  return { activities, customers, agreements };
}

describe('readSignature (the truth a waiting purchase re-reads)', () => {
  it('finishes an acceptance cut short after the claim, so confirmMca finds the agreement, and answers accepted', async () => {
    const { activities, customers, agreements } = await overMemory('accepted');

    expect(await activities.readSignature(read, log)).toBe('accepted');

    expect(await agreements.list('contoso')).toMatchObject([{ dateAgreed: acceptedAt }]);
    expect((await customers.get('contoso'))?.mca.accepted).toBe(true);
  });

  it('is still waiting while the link is unused and the customer has no Partner Center id to ask about', async () => {
    const { activities, agreements } = await overMemory('pending');

    expect(await activities.readSignature(read, log)).toBe('waiting');
    expect(await agreements.list('contoso')).toEqual([]);
  });
});
