import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createNotificationClaimRepository } from '../../../shared/notifications/notificationClaimRepository';
import {
  createNotificationSender,
  type Notification,
  type NotificationMessage,
} from '../../../shared/notifications/notificationSender';
import { type LocalCosmos, startLocalCosmos } from '../../support/localCosmos';

/**
 * The notification outbox over the real claim repository (the embedded Cosmos DB server) and a queue that can die
 * at the exact points a crash of the process can: after the claim and before the send, after the send and before
 * the confirmation. What the queue holds afterwards is what the email sender would see.
 */

let cosmos: LocalCosmos;
let run = 0;

beforeAll(async () => {
  cosmos = await startLocalCosmos('notification-outbox-test');
});

afterAll(async () => {
  await cosmos?.stop();
});

class ProcessDied extends Error {}

/** The `notifications` queue, decoded; `dieOnNextSend` makes the next send end the "process" before the queue takes it. */
function aQueue() {
  const messages: NotificationMessage[] = [];
  const queue = {
    messages,
    dieOnNextSend: false,
    dieAfterNextSend: false,
    sendMessage(text: string): Promise<unknown> {
      if (queue.dieOnNextSend) {
        queue.dieOnNextSend = false;
        return Promise.reject(new ProcessDied('killed between claim and send'));
      }
      messages.push(JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as NotificationMessage);
      if (queue.dieAfterNextSend) {
        queue.dieAfterNextSend = false;
        return Promise.reject(new ProcessDied('killed between send and confirmation'));
      }
      return Promise.resolve({});
    },
  };
  return queue;
}

function anInvitation(): Notification {
  run += 1;
  return {
    type: 'mcaInvitation',
    customerId: `outbox-customer-${run}`,
    purchaseId: `outbox-purchase-${run}`,
    email: 'ada@contoso.example',
    acceptUrl: `http://localhost:7071/api/invitations/token-${run}/accept`,
    expiresAt: '2026-02-01T00:00:00.000Z',
    correlationId: `corr-${run}`,
    round: 0,
  };
}

function outbox() {
  const queue = aQueue();
  const claims = createNotificationClaimRepository(cosmos.containers.customers);
  return { queue, claims, sender: createNotificationSender({ claims, queue }) };
}

const t0 = new Date('2026-01-05T10:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

describe('the notification outbox', () => {
  it('sends a notification once with its message id, and a repeat after the confirmation sends nothing', async () => {
    const { queue, sender } = outbox();
    const invitation = anInvitation();
    expect(await sender.send(invitation, t0)).toBe(true);
    expect(await sender.send(invitation, later(1_000))).toBe(false);
    expect(queue.messages).toEqual([
      { ...invitation, messageId: `notification-${invitation.purchaseId}-mcaInvitation-0` },
    ]);
    // A reminder round is another message, with an id of its own.
    await sender.send({ ...invitation, type: 'mcaReminder', round: 1 }, later(2_000));
    expect(queue.messages.map((message) => message.messageId)).toEqual([
      `notification-${invitation.purchaseId}-mcaInvitation-0`,
      `notification-${invitation.purchaseId}-mcaReminder-1`,
    ]);
  });

  it('a process killed between claim and send loses nothing: the activity re-run sends the claimed message', async () => {
    const { queue, sender } = outbox();
    const invitation = anInvitation();
    queue.dieOnNextSend = true;
    await expect(sender.send(invitation, t0)).rejects.toBeInstanceOf(ProcessDied);
    expect(queue.messages).toEqual([]);

    // The durable runtime runs the activity again after the restart, with the same input.
    expect(await sender.send(invitation, later(5_000))).toBe(true);
    expect(queue.messages).toEqual([
      { ...invitation, messageId: expect.stringContaining('mcaInvitation-0') as unknown },
    ]);
    expect(await sender.send(invitation, later(6_000))).toBe(false);
    expect(queue.messages).toHaveLength(1);
  });

  it('a process killed between claim and send loses nothing when no retry comes: the reconciliation sends it', async () => {
    const { queue, sender } = outbox();
    const invitation = anInvitation();
    queue.dieOnNextSend = true;
    await expect(sender.send(invitation, t0)).rejects.toBeInstanceOf(ProcessDied);

    // Too young: the send may still be under way.
    expect(await sender.resendUnconfirmed(t0, () => later(30_000))).toEqual({ resent: 0, failed: 0 });
    expect(queue.messages.filter((message) => message.purchaseId === invitation.purchaseId)).toEqual([]);

    // Unconfirmed a minute later: sent again, the stored message with its id, and confirmed.
    const sent = await sender.resendUnconfirmed(later(1), () => later(60_000));
    expect(sent.resent).toBeGreaterThanOrEqual(1);
    expect(queue.messages.filter((message) => message.purchaseId === invitation.purchaseId)).toEqual([
      { ...invitation, messageId: `notification-${invitation.purchaseId}-mcaInvitation-0` },
    ]);
    await sender.resendUnconfirmed(later(120_000), () => later(120_000));
    expect(await sender.send(invitation, later(130_000))).toBe(false);
    expect(queue.messages.filter((message) => message.purchaseId === invitation.purchaseId)).toHaveLength(1);
  });

  it('a process killed between send and confirmation sends it again with the same message id (at least once)', async () => {
    const { queue, sender } = outbox();
    const invitation = anInvitation();
    queue.dieAfterNextSend = true;
    await expect(sender.send(invitation, t0)).rejects.toBeInstanceOf(ProcessDied);
    expect(await sender.send(invitation, later(5_000))).toBe(true);
    const copies = queue.messages.filter((message) => message.purchaseId === invitation.purchaseId);
    expect(copies).toHaveLength(2);
    // The consumer keeps the first and drops the repeat by its id.
    expect(new Set(copies.map((message) => message.messageId)).size).toBe(1);
  });

  it('never sends again a claim recorded before the outbox (no message stored: it was sent at most once)', async () => {
    const { queue, claims, sender } = outbox();
    const invitation = anInvitation();
    await claims.claim({
      id: `notification-${invitation.purchaseId}-mcaInvitation-0`,
      customerId: invitation.customerId,
      docType: 'notificationClaim',
      purchaseId: invitation.purchaseId,
      type: 'mcaInvitation',
      round: 0,
      claimedAt: t0.toISOString(),
      correlationId: invitation.correlationId,
    });
    expect(await sender.send(invitation, later(1_000))).toBe(false);
    await sender.resendUnconfirmed(later(600_000), () => later(600_000));
    expect(queue.messages.filter((message) => message.purchaseId === invitation.purchaseId)).toEqual([]);
  });
});
