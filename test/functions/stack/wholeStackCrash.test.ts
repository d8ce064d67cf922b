import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { QueueClient } from '@azure/storage-queue';
import { importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';

import { freeStackPorts, type LocalStack, startLocalStack } from '../../../scripts/crash-test/localStack';
import { aContact, aCustomerRequest, anAttestation, salesAgent } from '../../purchase/purchaseScenario';
import { azuriteHasSaved } from '../../support/azuriteSaved';
import { eventually } from '../../support/eventually';

/**
 * `kill -9` of every process `npm start` started (supervisor, Azurite, the stores process, the host), then
 * `npm start` again on the same folder and ports with no cleanup: it comes up, what was acknowledged before Azurite's
 * last save (every ~5 s; Cosmos DB and durable writes are journaled at once) is there, and the waiting purchase
 * finishes through the link sent before the crash.
 */

const stacks: LocalStack[] = [];
const stateDir = mkdtempSync(path.join(tmpdir(), 'whole-stack-'));

afterAll(async () => {
  for (const stack of stacks) await stack.stop().catch(() => undefined);
  rmSync(stateDir, { recursive: true, force: true });
});

describe('everything npm start started killed with SIGKILL', () => {
  it('comes back without cleanup, with everything acknowledged before the crash, and nothing stuck', async () => {
    // The token signer and request helpers of the test service, pointed at the stack's URL.
    const signer = await devTokenSigner();
    const ports = await freeStackPorts();
    const env = { LOCAL_HOST_QUEUE_LEASE_SECONDS: '10' };
    const first = await startLocalStack({ stateDir, ports, env });
    stacks.push(first);
    const call = async (stackUrl: string, method: string, route: string, body?: unknown, auth = true) => {
      const response = await fetch(`${stackUrl}${route}`, {
        method,
        headers: {
          ...(auth ? { authorization: `Bearer ${await signer(salesAgent.roles, salesAgent.userId)}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
    };

    for (const customerId of ['crash-buyer', 'crash-waiter']) {
      expect((await call(first.url, 'PUT', `/api/customers/${customerId}`, aCustomerRequest())).status).toBe(
        201,
      );
    }
    const bought = await call(first.url, 'POST', '/api/customers/crash-buyer/azure-plan/purchases', {
      mca: anAttestation(),
    });
    const waiting = await call(first.url, 'POST', '/api/customers/crash-waiter/azure-plan/purchases', {
      mca: { method: 'invite' },
    });
    const boughtId = String(bought.body.purchaseId);
    const waitingId = String(waiting.body.purchaseId);
    await eventually(
      async () => (await call(first.url, 'GET', `/api/purchases/${boughtId}`)).body.status === 'completed',
      30_000,
    );
    await eventually(
      async () =>
        (await call(first.url, 'GET', `/api/purchases/${waitingId}`)).body.status ===
        'awaitingCustomerSignature',
      30_000,
    );
    // Azurite keeps queues in memory and saves every ~5 s: the window docs/local-host.md states. Wait until its save holds the
    // invitation (a condition, not a fixed time), then crash.
    const notifications = new QueueClient(
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint=http://127.0.0.1:${ports.queue}/devstoreaccount1;`,
      'notifications',
    );
    let invitationIds: string[] = [];
    await eventually(async () => {
      const peeked = await notifications.peekMessages({ numberOfMessages: 32 });
      invitationIds = peeked.peekedMessageItems
        .filter((item) => Buffer.from(item.messageText, 'base64').toString('utf8').includes(waitingId))
        .map((item) => item.messageId);
      return invitationIds.length > 0;
    }, 30_000);
    await eventually(
      () => azuriteHasSaved(path.join(stateDir, 'azurite'), 'notifications', invitationIds),
      30_000,
    );

    await first.killEverything();
    stacks.splice(stacks.indexOf(first), 1);

    const second = await startLocalStack({ stateDir, ports, env });
    stacks.push(second);
    expect((await call(second.url, 'GET', '/api/customers/crash-buyer')).body).toMatchObject({
      azurePlan: { status: 'active' },
    });
    expect((await call(second.url, 'GET', `/api/purchases/${boughtId}`)).body).toMatchObject({
      status: 'completed',
    });
    expect((await call(second.url, 'GET', `/api/purchases/${waitingId}`)).body).toMatchObject({
      status: 'awaitingCustomerSignature',
    });
    // The invitation sent before the crash is still in the (saved) notifications queue, and its link works.
    const { receivedMessageItems } = await notifications.receiveMessages({ numberOfMessages: 32 });
    const invitation = receivedMessageItems
      .map(
        (item) =>
          JSON.parse(Buffer.from(item.messageText, 'base64').toString('utf8')) as Record<string, string>,
      )
      .find((message) => message.purchaseId === waitingId && message.type === 'mcaInvitation');
    expect(invitation).toBeDefined();
    const accepted = await call(
      second.url,
      'POST',
      new URL(invitation?.acceptUrl ?? '').pathname,
      aContact,
      false,
    );
    expect(accepted.status).toBe(200);
    await eventually(
      async () => (await call(second.url, 'GET', `/api/purchases/${waitingId}`)).body.status === 'completed',
      30_000,
    );
  }, 180_000);
});

/** Signs bearer tokens with the development key, as `npm run token` does. */
async function devTokenSigner() {
  const root = path.resolve(__dirname, '..', '..', '..');
  const jwk = JSON.parse(
    readFileSync(path.join(root, 'scripts', 'local-auth', 'dev-signing-key.private.json'), 'utf8'),
  ) as JWK & { kid: string };
  const settings = (
    JSON.parse(readFileSync(path.join(root, 'local.settings.sample.json'), 'utf8')) as {
      Values: Record<string, string>;
    }
  ).Values;
  const key = await importJWK(jwk, 'RS256');
  return (roles: string[], userId: string) =>
    new SignJWT({ roles, name: userId, oid: userId })
      .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' })
      .setIssuer(settings.AUTH_ISSUER ?? '')
      .setAudience(settings.AUTH_AUDIENCE ?? '')
      .setSubject(userId)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(key);
}
