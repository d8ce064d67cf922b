import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type AgreementRepository,
  createAgreementRepository,
} from '../../../shared/agreements/agreementRepository';
import {
  createCustomerRepository,
  type CustomerRepository,
} from '../../../shared/customers/customerRepository';
import { type InvitationDocument } from '../../../shared/domain/documents/invitation';
import { newPartnerAttestation } from '../../../shared/domain/rules/mcaAgreement';
import {
  createInvitationRepository,
  type InvitationRepository,
} from '../../../shared/invitations/invitationRepository';
import { type BatchRepository, createBatchRepository } from '../../../shared/purchaseBatches/batchRepository';
import { aContact, aCustomer } from '../fixtures';
import { type LocalCosmos, startLocalCosmos } from '../localCosmos';
import { createInMemoryBatchRepository } from './inMemoryBatchRepository';
import {
  createInMemoryAgreementRepository,
  createInMemoryCustomerRepository,
  createInMemoryInvitationRepository,
} from './inMemoryRepositories';

/**
 * The in-memory repositories the middle-layer tests run on must behave as the Cosmos DB ones do, or those tests
 * prove nothing: the same assertions run against both (the Cosmos ones on the embedded Cosmos DB server).
 */

interface Stores {
  batches: BatchRepository;
  customers: CustomerRepository;
  agreements: AgreementRepository;
  invitations: InvitationRepository;
}

let cosmos: LocalCosmos;
let run = 0;

beforeAll(async () => {
  cosmos = await startLocalCosmos('in-memory-parity-test');
});

afterAll(async () => {
  await cosmos?.stop();
});

const implementations: [string, () => Stores][] = [
  [
    'Cosmos DB',
    () => ({
      batches: createBatchRepository(cosmos.containers.batches),
      customers: createCustomerRepository(cosmos.containers.customers),
      agreements: createAgreementRepository(cosmos.containers.customers),
      invitations: createInvitationRepository(cosmos.containers.invitations),
    }),
  ],
  [
    'in memory',
    () => ({
      batches: createInMemoryBatchRepository(),
      customers: createInMemoryCustomerRepository(),
      agreements: createInMemoryAgreementRepository(),
      invitations: createInMemoryInvitationRepository(),
    }),
  ],
];

const now = new Date('2026-03-02T09:00:00.000Z');

/** Ids no other case uses, since the Cosmos stores are shared by the whole file. */
function fresh(prefix: string): string {
  run += 1;
  return `${prefix}-${run}`;
}

describe.each(implementations)('repositories (%s)', (_name, stores) => {
  it('batches: a line is created once, moves only from the listed statuses, and loses its error when it moves on', async () => {
    const { batches } = stores();
    const batchId = fresh('batch');
    const line = {
      id: 'line-1',
      docType: 'purchaseBatchLine' as const,
      batchId,
      lineId: '1',
      position: 0,
      customerId: 'contoso',
      status: 'queued' as const,
      updatedAt: now.toISOString(),
    };
    const created = await batches.ensureLine(line);
    expect(await batches.ensureLine({ ...line, customerId: 'someone-else' })).toMatchObject({
      customerId: 'contoso',
    });

    const failed = await batches.moveLine(created, {
      from: ['queued'],
      to: { status: 'failed', error: { code: 'InternalError', detail: 'kept failing' } },
      now,
    });
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'InternalError' } });
    // Moved by reference, as the handlers do after a lost race: the store's current line decides.
    const reference = { batchId, lineId: '1' };
    expect(
      await batches.moveLine(reference, { from: ['queued'], to: { status: 'accepted' }, now }),
    ).toMatchObject({
      status: 'failed',
    });
    const accepted = await batches.moveLine(reference, {
      from: ['failed'],
      to: { status: 'accepted', purchaseId: 'p-1' },
      now,
    });
    expect(accepted).toMatchObject({ status: 'accepted', purchaseId: 'p-1' });
    expect(accepted?.error).toBeUndefined();
    expect((await batches.readBatch(batchId)).lines).toHaveLength(1);
  });

  it('customers: create conflicts on an existing id, replace needs the ETag that was read, the work in progress frees only for its holder', async () => {
    const { customers } = stores();
    const customerId = fresh('customer');
    const created = await customers.create(aCustomer({ id: customerId, customerId }));
    expect(await customers.create(aCustomer({ id: customerId, customerId }))).toBe('exists');
    if (created === 'exists') throw new Error('unreachable');

    const claimed = await customers.claimWorkInProgress(created, {
      kind: 'purchase',
      id: 'p-1',
      startedAt: now.toISOString(),
      correlationId: 'c-1',
    });
    expect(claimed).toMatchObject({ workInProgress: { id: 'p-1' } });
    // A second claim from the same (now stale) read loses.
    expect(
      await customers.claimWorkInProgress(created, {
        kind: 'purchase',
        id: 'p-2',
        startedAt: now.toISOString(),
        correlationId: 'c-2',
      }),
    ).toBe('changed');

    await customers.releaseWorkInProgress(customerId, 'p-2', { now, correlationId: 'c' });
    expect((await customers.get(customerId))?.workInProgress).toMatchObject({ id: 'p-1' });
    await customers.releaseWorkInProgress(customerId, 'p-1', { now, correlationId: 'c' });
    expect((await customers.get(customerId))?.workInProgress).toBeNull();
  });

  it('agreements: the same attestation twice is "exists"; the list holds the customer’s own', async () => {
    const { agreements } = stores();
    const customerId = fresh('agreeing');
    const attestation = newPartnerAttestation({
      customerId,
      primaryContact: aContact,
      dateAgreed: '2026-01-05T00:00:00Z',
      userId: 'sally',
      correlationId: 'c-1',
      now,
    });
    expect(await agreements.create(attestation)).toMatchObject({ id: attestation.id });
    expect(await agreements.create(attestation)).toBe('exists');
    expect((await agreements.list(customerId)).map((agreement) => agreement.id)).toEqual([attestation.id]);
    expect(await agreements.list(fresh('nobody'))).toEqual([]);
  });

  it('invitations: created once, replaced only from the version read, closed only while pending', async () => {
    const { invitations } = stores();
    const invitation: InvitationDocument = {
      id: fresh('invitation'),
      docType: 'mcaInvitation',
      customerId: 'contoso',
      purchaseId: 'p-1',
      email: aContact.email,
      createdAt: now.toISOString(),
      expiresAt: '2026-04-01T09:00:00.000Z',
      status: 'pending',
    };
    const created = await invitations.createOnce(invitation);
    expect(await invitations.createOnce({ ...invitation, email: 'other@example.com' })).toMatchObject({
      email: aContact.email,
    });

    expect(await invitations.replace({ ...created, status: 'accepted' })).toMatchObject({
      status: 'accepted',
    });
    expect(await invitations.replace({ ...created, status: 'cancelled' })).toBe('changed');
    await invitations.close(invitation.id, 'expired', 'c-1');
    expect(await invitations.get(invitation.id)).toMatchObject({ status: 'accepted' });
    expect(await invitations.get(fresh('missing'))).toBeUndefined();
  });
});
