import { describe, expect, it } from 'vitest';

import {
  type PurchaseRequestMessage,
  purchaseRequestMessageSchema,
} from '../../../shared/domain/api/purchaseBatch';
import { type CustomerDocument } from '../../../shared/domain/documents/documents';
import { type InvitationDocument } from '../../../shared/domain/documents/invitation';
import {
  type BatchHeaderDocument,
  type BatchLineDocument,
} from '../../../shared/domain/documents/purchaseBatch';
import { type WorkInProgressHolderState } from '../../../shared/domain/rules/azurePlanPurchase';
import {
  reconcileStrandedWork,
  type ReconciliationDependencies,
} from '../../../shared/reconciliation/reconcileStrandedWork';
import { aContact } from '../../support/fixtures';
import { createInMemoryInvitationRepository } from '../../support/inMemory/inMemoryRepositories';

const now = new Date('2026-03-01T12:00:00.000Z');
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();
const graceMs = 10 * 60_000;

function header(batchId: string): BatchHeaderDocument {
  return {
    id: 'batch',
    docType: 'purchaseBatch',
    batchId,
    total: 3,
    requestedBy: { userId: 'agent-7', name: 'Agent Seven' },
    fingerprint: 'f',
    createdAt: minutesAgo(60),
    correlationId: 'submit-1',
  };
}

function line(batchId: string, lineId: string, fields: Partial<BatchLineDocument>): BatchLineDocument {
  return {
    id: `line-${lineId}`,
    docType: 'purchaseBatchLine',
    batchId,
    lineId,
    position: 0,
    customerId: `customer-${lineId}`,
    status: 'queued',
    updatedAt: minutesAgo(60),
    correlationId: 'submit-1',
    _etag: '"1"',
    ...fields,
  };
}

function customer(customerId: string, held: CustomerDocument['workInProgress']): CustomerDocument {
  return {
    id: customerId,
    customerId,
    docType: 'customer',
    companyName: customerId,
    country: 'US',
    segment: 'commercial',
    relationship: 'direct',
    primaryContact: { firstName: 'A', lastName: 'B', email: 'a@example.com' },
    createdAt: minutesAgo(600),
    updatedAt: minutesAgo(600),
    mca: { accepted: false },
    azurePlan: null,
    legacySubscriptionIds: [],
    workInProgress: held,
  };
}

/** In-memory repositories with just the calls reconciliation makes, and what it sent. */
function world(options: {
  headers: BatchHeaderDocument[];
  lines: BatchLineDocument[];
  customers: CustomerDocument[];
  holders: Record<string, WorkInProgressHolderState>;
  invitations?: InvitationDocument[];
}) {
  const invitations = createInMemoryInvitationRepository();
  for (const invitation of options.invitations ?? []) void invitations.createOnce(invitation);
  const finished: string[] = [];
  const lines = new Map(options.lines.map((l) => [`${l.batchId}/${l.lineId}`, { ...l }]));
  const customers = new Map(options.customers.map((c) => [c.customerId, { ...c }]));
  const sent: PurchaseRequestMessage[] = [];
  const dependencies: ReconciliationDependencies = {
    batches: {
      findQueuedLinesUnchangedSince: (before, limit) =>
        Promise.resolve(
          [...lines.values()]
            .filter((l) => l.status === 'queued' && l.updatedAt < before.toISOString())
            .slice(0, limit),
        ),
      readHeader: (batchId) => Promise.resolve(options.headers.find((h) => h.batchId === batchId)),
      moveLine: (target, transition) => {
        const current = lines.get(`${target.batchId}/${target.lineId}`);
        if (!current || !transition.from.includes(current.status)) return Promise.resolve(current);
        const next = { ...current, ...transition.to, updatedAt: transition.now.toISOString() };
        lines.set(`${target.batchId}/${target.lineId}`, next);
        return Promise.resolve(next);
      },
    },
    customers: {
      findWorkInProgressClaimedBefore: (before, limit) =>
        Promise.resolve(
          [...customers.values()]
            .filter((c) => c.workInProgress !== null && c.workInProgress.startedAt < before.toISOString())
            .slice(0, limit),
        ),
      releaseWorkInProgress: (customerId, purchaseId) => {
        const current = customers.get(customerId);
        if (current?.workInProgress?.id === purchaseId) {
          customers.set(customerId, { ...current, workInProgress: null });
        }
        return Promise.resolve();
      },
    },
    invitations,
    finishAcceptance: (invitation) => {
      finished.push(invitation.purchaseId);
      return Promise.resolve();
    },
    workInProgressHolderState: (instanceId) => Promise.resolve(options.holders[instanceId] ?? 'unknown'),
    sendPurchaseRequest: (message) => {
      sent.push(message);
      return Promise.resolve();
    },
    clock: { now: () => now },
    logger: { log: () => undefined, warn: () => undefined },
  };
  return { dependencies, lines, customers, sent, finished };
}

const run = (dependencies: ReconciliationDependencies) =>
  reconcileStrandedWork(dependencies, { graceMs, correlationId: 'reconcile-1' });

describe('reconcileStrandedWork: batch lines whose message was never sent', () => {
  it('re-enqueues a queued line older than the grace period, with its mca option and the batch requester', async () => {
    const attest = {
      method: 'attest' as const,
      primaryContact: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
      dateAgreed: '2026-02-01',
    };
    const { dependencies, sent, lines } = world({
      headers: [header('b1')],
      lines: [line('b1', 'a', { mca: purchaseRequestMessageSchema.shape.mca.parse(attest) })],
      customers: [],
      holders: {},
    });

    expect(await run(dependencies)).toEqual({
      requeuedLines: 1,
      releasedWorkInProgress: 0,
      finishedAcceptances: 0,
    });

    expect(sent).toHaveLength(1);
    // The message is one the queue trigger accepts, for the same line (same derived purchase id).
    const message = purchaseRequestMessageSchema.parse(sent[0]);
    expect(message).toMatchObject({
      batchId: 'b1',
      lineId: 'a',
      customerId: 'customer-a',
      mca: { method: 'attest' },
      requestedBy: { userId: 'agent-7' },
      correlationId: 'submit-1',
    });
    // Touched, so the next run waits a whole grace period before sending it again.
    expect(lines.get('b1/a')?.updatedAt).toBe(now.toISOString());
    expect(await run(dependencies)).toEqual({
      requeuedLines: 0,
      releasedWorkInProgress: 0,
      finishedAcceptances: 0,
    });
  });

  it('leaves young queued lines, lines that moved on, and header-less lines (enqueued by another system) alone', async () => {
    const { dependencies, sent } = world({
      headers: [header('b1')],
      lines: [
        line('b1', 'young', { updatedAt: minutesAgo(2) }),
        line('b1', 'accepted', { status: 'accepted', purchaseId: 'p' }),
        line('b1', 'rejected', { status: 'rejected' }),
        line('foreign', 'x', {}),
      ],
      customers: [],
      holders: {},
    });

    expect(await run(dependencies)).toEqual({
      requeuedLines: 0,
      releasedWorkInProgress: 0,
      finishedAcceptances: 0,
    });
    expect(sent).toEqual([]);
  });
});

describe("reconcileStrandedWork: the customers' work in progress", () => {
  it('releases a work in progress whose holder never started or already ended, and keeps one whose holder runs', async () => {
    const held = (purchaseId: string, startedAt = minutesAgo(30)) => ({
      kind: 'purchase' as const,
      id: purchaseId,
      startedAt,
    });
    const { dependencies, customers } = world({
      headers: [],
      lines: [],
      customers: [
        customer('never-started', held('p-never')),
        customer('ended', held('p-ended')),
        customer('waiting-signature', held('p-running')),
        customer('just-claimed', held('p-new', minutesAgo(1))),
        customer('free', null),
      ],
      holders: { 'p-ended': 'finished', 'p-running': 'running' },
    });

    expect(await run(dependencies)).toEqual({
      requeuedLines: 0,
      releasedWorkInProgress: 2,
      finishedAcceptances: 0,
    });

    expect(customers.get('never-started')?.workInProgress).toBeNull();
    expect(customers.get('ended')?.workInProgress).toBeNull();
    expect(customers.get('waiting-signature')?.workInProgress?.id).toBe('p-running');
    expect(customers.get('just-claimed')?.workInProgress?.id).toBe('p-new');
  });
});

describe('reconcileStrandedWork: invitation acceptances cut short', () => {
  const invitation = (purchaseId: string, fields: Partial<InvitationDocument>): InvitationDocument => ({
    id: `invitation-${purchaseId}`,
    docType: 'mcaInvitation',
    customerId: 'contoso',
    purchaseId,
    email: aContact.email,
    createdAt: minutesAgo(600),
    expiresAt: '2026-03-30T12:00:00.000Z',
    status: 'accepted',
    acceptedAt: minutesAgo(30),
    acceptedBy: aContact,
    ...fields,
  });

  it('finishes accepted links whose record was never completed, older than the grace period only, oldest first', async () => {
    const { dependencies, finished } = world({
      headers: [],
      lines: [],
      customers: [],
      holders: {},
      invitations: [
        invitation('p-cut-late', { acceptedAt: minutesAgo(20) }),
        invitation('p-cut-early', { acceptedAt: minutesAgo(40) }),
        invitation('p-recorded', { acceptanceRecordedAt: minutesAgo(29) }),
        invitation('p-just-accepted', { acceptedAt: minutesAgo(1) }),
        invitation('p-pending', { status: 'pending', acceptedAt: undefined, acceptedBy: undefined }),
      ],
    });

    expect(await run(dependencies)).toMatchObject({ finishedAcceptances: 2 });

    expect(finished).toEqual(['p-cut-early', 'p-cut-late']);
  });
});
