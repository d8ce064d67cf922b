import { readFileSync } from 'node:fs';
import path from 'node:path';

import { CosmosClient } from '@azure/cosmos';
import { QueueClient } from '@azure/storage-queue';
import { cosmosEmulatorKey } from '@azure-plan-local/stores';
import { importJWK, type JWK, SignJWT } from 'jose';

import { type LocalStack } from './localStack';

/**
 * A mixed run against a running `npm start`, driven only through the public HTTP API and the `notifications` queue
 * (as a partner and a customer's mailbox would), that survives the service going away under it: every request is
 * retried until it gets an answer (starts carry an Idempotency-Key or are recognised by the customer's
 * `workInProgress`). Attested purchases, invited purchases whose invitations are accepted as they arrive, and one
 * batch (attested and invited lines). `during` runs alongside (the crashes); then it waits until every purchase
 * and line is final, and reports what it found in the stores.
 */

const repositoryRoot = path.resolve(__dirname, '..', '..');
const settings = (
  JSON.parse(readFileSync(path.join(repositoryRoot, 'local.settings.sample.json'), 'utf8')) as {
    Values: Record<string, string>;
  }
).Values;
const azuriteKey = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const finalStatuses = ['completed', 'failed', 'expired', 'cancelled'];
const contact = { firstName: 'Grace', lastName: 'Hopper', email: 'grace@contoso.example' };
const attestation = { method: 'attest', primaryContact: contact, dateAgreed: '2026-01-05T09:00:00Z' };

export interface MixedRunSize {
  attested: number;
  invited: number;
  batchLines: number;
}

export interface MixedRunReport {
  purchases: number;
  statuses: Record<string, number>;
  /** Purchases not final when the run gave up waiting. */
  notFinal: string[];
  /** Customers whose completed purchase did not leave exactly one order, subscription and plan marker (and the reverse). */
  planMismatches: string[];
  /** Customers with more than one order, subscription or Azure plan marker. */
  duplicatedDocuments: string[];
  /**
   * Notifications (purchase, type, round) that reached the mailbox under more than one message id: repeats a
   * consumer could not recognise. (A repeat under the same id is at-least-once delivery: counted in
   * `repeatedDeliveries` and dropped, as docs/notifications.md tells a consumer to.)
   */
  duplicatedNotifications: string[];
  /** Copies the mailbox dropped because it had handled their message id already. */
  repeatedDeliveries: number;
  /** Invited purchases whose invitation never arrived; cancelled instead. The outbox makes this 0. */
  invitationsLost: number;
  /**
   * Notifications of any type (invitations, reminders, expiry notices) claimed in the store, unconfirmed or never
   * received by the mailbox when the run ended: the outbox makes this empty.
   */
  notificationsLost: string[];
  /**
   * Invited purchases whose accepted link never reached them; cancelled instead. An acceptance cut by a crash is
   * finished by the link's retry (or the reconciliation timer), so this should stay 0.
   */
  acceptancesInterrupted: number;
  batch: { total: number; counts: Record<string, number>; countsAddUp: boolean; linesFinal: boolean };
  durationMs: number;
}

interface Notification {
  messageId?: string;
  type: string;
  purchaseId: string;
  round: number;
  acceptUrl: string;
}

export async function runMixedRun(
  stack: LocalStack,
  size: MixedRunSize,
  during: (progress: () => number) => Promise<void>,
  options: { settleTimeoutMs?: number; runId?: string } = {},
): Promise<MixedRunReport> {
  const started = Date.now();
  const runId = options.runId ?? Math.random().toString(36).slice(2, 8);
  const jwk = JSON.parse(
    readFileSync(path.join(repositoryRoot, 'scripts', 'local-auth', 'dev-signing-key.private.json'), 'utf8'),
  ) as JWK & { kid: string };
  const key = await importJWK(jwk, 'RS256');
  const token = await new SignJWT({ roles: ['SalesAgent'], name: 'crash-test', oid: 'crash-test' })
    .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' })
    .setIssuer(settings.AUTH_ISSUER ?? '')
    .setAudience(settings.AUTH_AUDIENCE ?? '')
    .setSubject('crash-test')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(key);

  /** One call, retried while the service is away (connection refused, reset) or answers 5xx. */
  async function call(
    method: string,
    route: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    // Retried for as long as several crashes in a row can keep the service away.
    const giveUpAt = Date.now() + 300_000;
    for (;;) {
      const retry = Date.now() < giveUpAt;
      try {
        const response = await fetch(`${stack.url}${route}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...headers,
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await response.text();
        // A request the crash cut holds its Idempotency-Key for a minute: "retry shortly", as the answer says.
        if (response.status === 409 && text.includes('IdempotentRequestInProgress') && retry) {
          await delay(1_000);
          continue;
        }
        if (response.status >= 500 && retry) {
          await delay(100);
          continue;
        }
        return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
      } catch (error) {
        if (!retry) throw error;
        await delay(100);
      }
    }
  }

  const customerIds = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, index) => `${prefix}-${runId}-${index}`);
  const attested = customerIds('attested', size.attested);
  const invited = customerIds('invited', size.invited);
  const lines = customerIds('line', size.batchLines);
  const everyone = [...attested, ...invited, ...lines];
  let progressCount = 0;

  await mapLimit(everyone, 8, async (customerId) => {
    const registered = await call('PUT', `/api/customers/${customerId}`, {
      companyName: `Company ${customerId}`,
      country: 'DE',
      segment: 'commercial',
      relationship: 'direct',
      primaryContact: { firstName: 'Ada', lastName: 'Lovelace', email: `${customerId}@contoso.example` },
      billingAddress: {
        addressLine1: 'Friedrichstraße 123',
        city: 'Berlin',
        postalCode: '10117',
        country: 'DE',
      },
    });
    if (registered.status !== 201 && registered.status !== 200) {
      throw new Error(`register ${customerId}: ${registered.status} ${JSON.stringify(registered.body)}`);
    }
  });

  const purchaseOf = new Map<string, string>();
  const completedWithoutId = new Set<string>();
  /** Starts a purchase; a retry whose first attempt did start it finds it in the customer's workInProgress. */
  async function start(customerId: string, mca: unknown): Promise<void> {
    for (;;) {
      const response = await call('POST', `/api/customers/${customerId}/azure-plan/purchases`, { mca });
      if (response.status === 202) {
        purchaseOf.set(customerId, String(response.body.purchaseId));
        progressCount += 1;
        return;
      }
      const customer = await call('GET', `/api/customers/${customerId}`);
      const work = customer.body.workInProgress as { id?: string } | undefined;
      if (response.status === 409 && work?.id) {
        // A work in progress claimed by an attempt the crash cut before its purchase started: the start takes it over once
        // it is stale (2 minutes), or the reconciliation timer releases it.
        if ((await call('GET', `/api/purchases/${work.id}`)).status === 404) {
          await delay(1_000);
          continue;
        }
        purchaseOf.set(customerId, work.id);
        progressCount += 1;
        return;
      }
      if (response.status === 409 && customer.body.azurePlan) {
        // Started and completed by an attempt whose answer the crash lost; the API names no purchase id for it.
        completedWithoutId.add(customerId);
        progressCount += 1;
        return;
      }
      if (response.status !== 409) {
        throw new Error(`start ${customerId}: ${response.status} ${JSON.stringify(response.body)}`);
      }
      await delay(100);
    }
  }

  const notificationsQueue = new QueueClient(
    `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${azuriteKey};` +
      `QueueEndpoint=http://127.0.0.1:${stack.ports.queue}/devstoreaccount1;`,
    'notifications',
  );
  const received: Notification[] = [];
  /** As a consumer does (docs/notifications.md): a message id handled once is dropped when it comes again. */
  const handledMessageIds = new Set<string>();
  let repeatedDeliveries = 0;
  const acceptedPurchases = new Set<string>();
  async function readMailbox(): Promise<void> {
    for (;;) {
      const { receivedMessageItems } = await notificationsQueue.receiveMessages({
        numberOfMessages: 32,
        visibilityTimeout: 60,
      });
      if (receivedMessageItems.length === 0) return;
      for (const message of receivedMessageItems) {
        const notification = JSON.parse(
          Buffer.from(message.messageText, 'base64').toString('utf8'),
        ) as Notification;
        if (notification.messageId !== undefined && handledMessageIds.has(notification.messageId)) {
          repeatedDeliveries += 1;
        } else {
          if (notification.messageId !== undefined) handledMessageIds.add(notification.messageId);
          received.push(notification);
        }
        await notificationsQueue.deleteMessage(message.messageId, message.popReceipt);
      }
    }
  }
  async function acceptInvitations(): Promise<void> {
    await readMailbox();
    const pending = received.filter(
      (notification) =>
        notification.type === 'mcaInvitation' && !acceptedPurchases.has(notification.purchaseId),
    );
    await mapLimit(pending, 8, async (notification) => {
      const accepted = await call('POST', new URL(notification.acceptUrl).pathname, contact);
      if (accepted.status === 200 || accepted.status === 409 || accepted.status === 410) {
        acceptedPurchases.add(notification.purchaseId);
      }
    });
  }

  let batchId = '';
  const work = (async () => {
    const submitted = await call(
      'POST',
      '/api/purchase-batches',
      {
        items: lines.map((customerId, index) => ({
          customerId,
          // Every fifth line invites, the others attest.
          mca: index % 5 === 4 ? { method: 'invite' } : attestation,
        })),
      },
      { 'Idempotency-Key': `crash-batch-${runId}` },
    );
    if (submitted.status !== 202)
      throw new Error(`batch: ${submitted.status} ${JSON.stringify(submitted.body)}`);
    batchId = String(submitted.body.batchId);
    await mapLimit(
      [
        ...attested.map((id) => [id, attestation] as const),
        ...invited.map((id) => [id, { method: 'invite' }] as const),
      ],
      4,
      ([id, mca]) => start(id, mca),
    );
  })();
  let working = true;
  const mailbox = (async () => {
    while (working) {
      await acceptInvitations().catch(() => undefined);
      await delay(200);
    }
  })();
  await Promise.all([work, during(() => progressCount)]);

  // Every purchase and line final, accepting invitations as they come.
  const deadline = Date.now() + (options.settleTimeoutMs ?? 120_000);
  let batch = {
    total: 0,
    counts: {} as Record<string, number>,
    items: [] as { status: string; purchaseId?: string }[],
  };
  const statusOf = new Map<string, string>();
  /** Purchases this run cancelled because they kept waiting, and why; counted only if they end cancelled. */
  const cancelledByRun = new Map<string, 'invitationLost' | 'acceptanceInterrupted'>();
  let quietSince: number | undefined;
  for (;;) {
    const batchView = await call('GET', `/api/purchase-batches/${batchId}`);
    batch = batchView.body as unknown as typeof batch;
    for (const item of batch.items) {
      if (item.purchaseId && !purchaseOf.has(`line:${item.purchaseId}`))
        purchaseOf.set(`line:${item.purchaseId}`, item.purchaseId);
    }
    await mapLimit(
      [...purchaseOf.values()].filter((id) => !finalStatuses.includes(statusOf.get(id) ?? '')),
      8,
      async (purchaseId) => {
        const purchase = await call('GET', `/api/purchases/${purchaseId}`);
        statusOf.set(
          purchaseId,
          typeof purchase.body.status === 'string' ? purchase.body.status : `http ${purchase.status}`,
        );
      },
    );
    const linesFinal = batch.items.every((item) => ['rejected', ...finalStatuses].includes(item.status));
    const open = [...purchaseOf.values()].filter((id) => !finalStatuses.includes(statusOf.get(id) ?? ''));
    if (open.length === 0 && linesFinal) break;
    if (Date.now() > deadline) break;
    // A purchase still waiting long after every invitation was answered lost its signature to a crash: the link
    // was used (single use) by an acceptance that died before the purchase heard of it, or the invitation never
    // came (the outbox, shared/notifications/notificationSender.ts, is there to prevent it: an unconfirmed send is
    // repeated by the activity's re-run or, within a grace period, the reconciliation timer). It would wait until
    // it expires (days); it is cancelled instead (a final state) and counted.
    const waiting = open.filter((id) => statusOf.get(id) === 'awaitingCustomerSignature');
    if (waiting.length === open.length && linesFinalOrWaiting(batch.items)) {
      quietSince ??= Date.now();
      // Longer than a host restart and the resumption of every instance on a loaded machine, and than the
      // reconciliation's grace for an unconfirmed notification plus its schedule (20 s + 10 s in these runs).
      if (Date.now() - quietSince > 45_000) {
        const invitedIds = new Set(
          received.filter((n) => n.type === 'mcaInvitation').map((n) => n.purchaseId),
        );
        for (const purchaseId of waiting) {
          const cancel = await call('POST', `/api/purchases/${purchaseId}/cancel`);
          // A 409 means the purchase moved on after all (a slow wake-up, not a lost signature): not counted.
          if (cancel.status === 202) {
            cancelledByRun.set(
              purchaseId,
              invitedIds.has(purchaseId) ? 'acceptanceInterrupted' : 'invitationLost',
            );
          }
          statusOf.delete(purchaseId);
        }
        quietSince = undefined;
      }
    } else {
      quietSince = undefined;
    }
    await delay(500);
  }
  working = false;
  await mailbox;
  await readMailbox();

  const cancelledFor = (reason: 'invitationLost' | 'acceptanceInterrupted') =>
    [...cancelledByRun].filter(
      ([purchaseId, why]) => why === reason && statusOf.get(purchaseId) === 'cancelled',
    ).length;
  const invitationsLost = cancelledFor('invitationLost');
  const acceptancesInterrupted = cancelledFor('acceptanceInterrupted');
  const statuses: Record<string, number> = {};
  for (const status of statusOf.values()) statuses[status] = (statuses[status] ?? 0) + 1;
  if (completedWithoutId.size > 0) statuses.completed = (statuses.completed ?? 0) + completedWithoutId.size;
  const counts = batch.counts;
  const countsTotal = Object.values(counts).reduce((sum, count) => sum + count, 0);

  // What the stores hold, per customer.
  const cosmos = new CosmosClient({
    endpoint: `http://127.0.0.1:${stack.ports.cosmos}`,
    key: cosmosEmulatorKey,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  const customers = cosmos.database(settings.COSMOS_DATABASE ?? 'azure-plan').container('customers');
  const { resources } = await customers.items
    .query<{ customerId: string; docType: string; offerId?: string }>(
      "SELECT c.customerId, c.docType, c.offerId FROM c WHERE c.docType IN ('order', 'subscription', 'azurePlanMarker')",
    )
    .fetchAll();
  // Every notification the service claimed (the outbox) must have reached the mailbox.
  const { resources: claimed } = await customers.items
    .query<{ id: string; sentAt?: string; customerId: string }>(
      "SELECT c.id, c.sentAt, c.customerId FROM c WHERE c.docType = 'notificationClaim' AND IS_DEFINED(c.message)",
    )
    .fetchAll();
  cosmos.dispose();
  const ours = new Set(everyone);
  const notificationsLost = claimed
    .filter((claim) => ours.has(claim.customerId))
    .filter((claim) => claim.sentAt === undefined || !handledMessageIds.has(claim.id))
    .map((claim) => `${claim.id}${claim.sentAt === undefined ? ' (unconfirmed)' : ' (not received)'}`);
  const documents = new Map<string, Record<string, number>>();
  for (const { customerId, docType } of resources) {
    const counted = documents.get(customerId) ?? {};
    counted[docType] = (counted[docType] ?? 0) + 1;
    documents.set(customerId, counted);
  }
  const completedCustomers = new Set<string>(completedWithoutId);
  for (const [customerKey, purchaseId] of purchaseOf) {
    if (statusOf.get(purchaseId) !== 'completed') continue;
    if (!customerKey.startsWith('line:')) completedCustomers.add(customerKey);
  }
  batch.items.forEach((item, index) => {
    if (item.status === 'completed') completedCustomers.add(lines[index] ?? '');
  });
  const planMismatches = everyone.filter((customerId) => {
    const counted = documents.get(customerId) ?? {};
    const hasPlan = counted.azurePlanMarker === 1 && counted.order === 1 && counted.subscription === 1;
    return completedCustomers.has(customerId) !== hasPlan;
  });
  const duplicatedDocuments = [...documents]
    .filter(([, counted]) => Object.values(counted).some((count) => count > 1))
    .map(([customerId, counted]) => `${customerId} ${JSON.stringify(counted)}`);
  // `received` holds one copy per message id: a key seen twice came under two ids.
  const seen = new Map<string, number>();
  for (const notification of received) {
    const keyOf = `${notification.purchaseId}/${notification.type}/${notification.round}`;
    seen.set(keyOf, (seen.get(keyOf) ?? 0) + 1);
  }

  return {
    purchases: purchaseOf.size + completedWithoutId.size,
    statuses,
    notFinal: [...purchaseOf.values()].filter((id) => !finalStatuses.includes(statusOf.get(id) ?? '')),
    planMismatches,
    duplicatedDocuments,
    duplicatedNotifications: [...seen].filter(([, count]) => count > 1).map(([keyOf]) => keyOf),
    repeatedDeliveries,
    invitationsLost,
    notificationsLost,
    acceptancesInterrupted,
    batch: {
      total: batch.total,
      counts,
      countsAddUp: countsTotal === batch.total && batch.total === size.batchLines,
      linesFinal: batch.items.every((item) => ['rejected', ...finalStatuses].includes(item.status)),
    },
    durationMs: Date.now() - started,
  };
}

function linesFinalOrWaiting(items: readonly { status: string }[]): boolean {
  return items.every((item) =>
    ['rejected', 'awaitingCustomerSignature', ...finalStatuses].includes(item.status),
  );
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function mapLimit<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next] as T;
        next += 1;
        await work(item);
      }
    }),
  );
}
