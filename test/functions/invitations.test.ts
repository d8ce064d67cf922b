import { beforeEach, describe, expect, it } from 'vitest';

import { acceptInvitationEndpoint } from '../../functions/invitations';
import { type AgreementRepository } from '../../shared/agreements/agreementRepository';
import { type CustomerRepository } from '../../shared/customers/customerRepository';
import {
  createInvitationAcceptance,
  type InvitationAcceptance,
} from '../../shared/invitations/invitationAcceptance';
import { type InvitationRepository } from '../../shared/invitations/invitationRepository';
import { invitationIdOf, invitationToken } from '../../shared/invitations/invitationToken';
import { aContact, aCustomer, aStoredInvitation } from '../support/fixtures';
import { anHttpRequest, callHandler } from '../support/handlerHarness';
import {
  createInMemoryAgreementRepository,
  createInMemoryCustomerRepository,
  createInMemoryInvitationRepository,
} from '../support/inMemory/inMemoryRepositories';

const now = new Date('2026-03-02T09:00:00.000Z');
const token = invitationToken('handler-test-secret', 'purchase-1');

let customers: CustomerRepository;
let agreements: AgreementRepository;
let invitations: InvitationRepository;

let deps: { acceptance: InvitationAcceptance };

beforeEach(async () => {
  customers = createInMemoryCustomerRepository();
  agreements = createInMemoryAgreementRepository();
  invitations = createInMemoryInvitationRepository();
  deps = {
    acceptance: createInvitationAcceptance({ customers, agreements, invitations, clock: { now: () => now } }),
  };
  await customers.create(aCustomer({ mca: { accepted: false } }));
  await invitations.createOnce(aStoredInvitation('handler-test-secret'));
});

async function accept(withToken: string) {
  return callHandler(
    acceptInvitationEndpoint,
    await anHttpRequest('POST', `/api/invitations/${withToken}/accept`, {
      body: aContact,
      params: { token: withToken },
    }),
    deps,
  );
}

describe('POST /api/invitations/{token}/accept (handler)', () => {
  it('records the customer’s direct acceptance, dated now, and marks the customer as having accepted the MCA', async () => {
    const accepted = await accept(token);

    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ primaryContact: aContact, dateAgreed: now.toISOString() });
    expect(await invitations.get(invitationIdOf(token))).toMatchObject({ status: 'accepted' });
    expect(await agreements.list('contoso')).toHaveLength(1);
    expect((await customers.get('contoso'))?.mca).toMatchObject({ accepted: true });
  });

  it('is single use: the same link again is 410 InvitationExpired', async () => {
    await accept(token);

    const again = await accept(token);

    expect(again.status).toBe(410);
    expect(again.body).toMatchObject({ code: 'InvitationExpired' });
    expect(await agreements.list('contoso')).toHaveLength(1);
  });

  it('answers 410 for an expired invitation and 404 for an unknown or malformed token', async () => {
    const stored = await invitations.get(invitationIdOf(token));
    await invitations.replace({ ...stored!, expiresAt: '2026-03-02T08:59:59.000Z' });

    expect((await accept(token)).status).toBe(410);
    expect((await accept(invitationToken('handler-test-secret', 'another-purchase'))).body).toMatchObject({
      code: 'InvitationNotFound',
    });
    expect((await accept('not-a-token')).status).toBe(404);
    expect((await customers.get('contoso'))?.mca.accepted).toBe(false);
  });
});
