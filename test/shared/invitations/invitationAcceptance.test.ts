import { beforeEach, describe, expect, it } from 'vitest';

import { type AgreementRepository } from '../../../shared/agreements/agreementRepository';
import { type CustomerRepository } from '../../../shared/customers/customerRepository';
import { type InvitationDocument } from '../../../shared/domain/documents/invitation';
import {
  createInvitationAcceptance,
  type WakePurchase,
} from '../../../shared/invitations/invitationAcceptance';
import { type InvitationRepository } from '../../../shared/invitations/invitationRepository';
import { invitationIdOf, invitationToken } from '../../../shared/invitations/invitationToken';
import { aContact, aCustomer, aStoredInvitation } from '../../support/fixtures';
import {
  createInMemoryAgreementRepository,
  createInMemoryCustomerRepository,
  createInMemoryInvitationRepository,
} from '../../support/inMemory/inMemoryRepositories';

const acceptedAt = new Date('2026-03-02T09:00:00.000Z');
const later = new Date('2026-03-02T09:30:00.000Z');
const token = invitationToken('acceptance-test-secret', 'purchase-1');

let customers: CustomerRepository;
let agreements: AgreementRepository;
let invitations: InvitationRepository;
let now: Date;
let woken: string[];
const wakePurchase: WakePurchase = (invitation) => {
  woken.push(invitation.purchaseId);
  return Promise.resolve(true);
};

const acceptance = () =>
  createInvitationAcceptance({ invitations, agreements, customers, clock: { now: () => now } });
const stored = async () => (await invitations.get(invitationIdOf(token))) as InvitationDocument;

beforeEach(async () => {
  customers = createInMemoryCustomerRepository();
  agreements = createInMemoryAgreementRepository();
  invitations = createInMemoryInvitationRepository();
  now = acceptedAt;
  woken = [];
  await customers.create(aCustomer({ mca: { accepted: false } }));
  await invitations.createOnce(aStoredInvitation('acceptance-test-secret'));
});

/** The state a process leaves when it dies right after claiming the link: accepted, nothing recorded. */
async function claimOnly(): Promise<void> {
  const invitation = await stored();
  await invitations.replace({
    ...invitation,
    status: 'accepted',
    acceptedAt: acceptedAt.toISOString(),
    acceptedBy: aContact,
    correlationId: 'accept-1',
  });
}

describe('invitation acceptance', () => {
  it('claims the link with who accepted, records the agreement and the customer’s MCA, wakes the purchase, and marks it done', async () => {
    const agreement = await acceptance().accept(token, aContact, 'accept-1', wakePurchase);

    expect(agreement).toMatchObject({ primaryContact: aContact, dateAgreed: acceptedAt.toISOString() });
    expect(await stored()).toMatchObject({
      status: 'accepted',
      acceptedBy: aContact,
      agreementId: agreement.id,
      acceptanceRecordedAt: acceptedAt.toISOString(),
    });
    expect(await agreements.list('contoso')).toHaveLength(1);
    expect((await customers.get('contoso'))?.mca).toMatchObject({
      accepted: true,
      agreementId: agreement.id,
    });
    expect(woken).toEqual(['purchase-1']);
  });

  it('finishes an acceptance a crash cut short after the claim when the link is used again, and still answers 410', async () => {
    await claimOnly();
    now = later;

    await expect(acceptance().accept(token, aContact, 'accept-2', wakePurchase)).rejects.toMatchObject({
      code: 'InvitationExpired',
    });

    const [agreement] = await agreements.list('contoso');
    // Dated when the customer accepted, not when the record was finished.
    expect(agreement).toMatchObject({ dateAgreed: acceptedAt.toISOString(), correlationId: 'accept-1' });
    expect((await customers.get('contoso'))?.mca.accepted).toBe(true);
    expect(woken).toEqual(['purchase-1']);
    expect((await stored()).acceptanceRecordedAt).toBe(later.toISOString());
  });

  it('records a cut-short acceptance once however often it is finished, and an already recorded link wakes nobody again', async () => {
    await claimOnly();
    const use = acceptance();

    await use.recordAcceptance(await stored());
    await use.recordAcceptance(await stored());
    await expect(use.accept(token, aContact, 'accept-3', wakePurchase)).rejects.toMatchObject({
      code: 'InvitationExpired',
    });

    expect(await agreements.list('contoso')).toHaveLength(1);
    expect(woken).toEqual([]);
  });

  it('leaves the acceptance unmarked when the purchase could not be woken, so the reconciliation tries again', async () => {
    const agreement = await acceptance().accept(token, aContact, 'accept-1', () => Promise.resolve(false));

    expect((await customers.get('contoso'))?.mca).toMatchObject({
      accepted: true,
      agreementId: agreement.id,
    });
    const unrecorded = await invitations.findAcceptancesUnrecordedBefore(later, 10);
    expect(unrecorded.map((invitation) => invitation.purchaseId)).toEqual(['purchase-1']);
  });

  it('has nothing to finish for a pending, cancelled or expired invitation', async () => {
    const use = acceptance();
    expect(await use.recordAcceptance(await stored())).toBeUndefined();
    await invitations.close(invitationIdOf(token), 'cancelled', 'cancel-1');

    await expect(use.accept(token, aContact, 'accept-4', wakePurchase)).rejects.toMatchObject({
      code: 'InvitationExpired',
    });
    expect(await agreements.list('contoso')).toEqual([]);
    expect(woken).toEqual([]);
  });
});
