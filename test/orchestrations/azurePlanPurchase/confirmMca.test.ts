import { InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';

import {
  createPartnerCenterActivities,
  type PartnerCenterActivityDependencies,
} from '../../../orchestrations/azurePlanPurchase/partnerCenterActivities';
import { attestAgreement } from '../../../shared/agreements/attestAgreement';
import { newDirectAcceptance } from '../../../shared/domain/rules/mcaAgreement';
import { createInvitationAcceptance } from '../../../shared/invitations/invitationAcceptance';
import { aContact, aCustomer } from '../../support/fixtures';
import { createInMemoryPartnerCenterAgreements } from '../../support/inMemory/inMemoryPartnerCenterAgreements';
import { createInMemoryPartnerCenterCustomers } from '../../support/inMemory/inMemoryPartnerCenterCustomers';
import {
  createInMemoryAgreementRepository,
  createInMemoryCustomerRepository,
  createInMemoryInvitationRepository,
} from '../../support/inMemory/inMemoryRepositories';

const now = new Date('2026-03-02T09:00:00.000Z');
const log = new InvocationContext({ functionName: 'activity-test', logHandler: () => undefined });
const confirm = { purchaseId: 'purchase-1', customerId: 'contoso', correlationId: 'correlation-1' };

async function overMemory() {
  const customers = createInMemoryCustomerRepository();
  const agreements = createInMemoryAgreementRepository();
  const invitations = createInMemoryInvitationRepository();
  const mca = createInMemoryPartnerCenterAgreements();
  const partnerCenter = { ...createInMemoryPartnerCenterCustomers(), ...mca };
  await customers.create(aCustomer({ mca: { accepted: false } }));
  const activities = createPartnerCenterActivities({
    customers,
    agreements,
    // confirmMca uses the customer and MCA calls only.
    partnerCenter: partnerCenter as unknown as PartnerCenterActivityDependencies['partnerCenter'],
    invitations,
    invitationAcceptance: createInvitationAcceptance({
      invitations,
      agreements,
      customers,
      clock: { now: () => now },
    }),
    invitationTokenSecret: 'activity-test-secret',
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
