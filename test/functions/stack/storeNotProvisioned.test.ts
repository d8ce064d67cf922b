import path from 'node:path';

import { type LocalHost, silentLogger, startLocalHost } from '@azure-plan-local/functions-host';
import { startAzurite, startCosmosServer } from '@azure-plan-local/stores';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { provisionStores } from '../../../scripts/local-stack/provisionStores';
import { salesAgent } from '../../support/fixtures';
import { createServiceCaller } from '../../support/serviceCaller';

/**
 * The app creates no database, container or queue (npm start and the deploy template provision them): the built
 * app on stores nobody provisioned answers a clear 503 problem, and serves once they are provisioned, without a
 * restart (the composition root keeps no half-built state).
 */

type Stores = [Awaited<ReturnType<typeof startCosmosServer>>, Awaited<ReturnType<typeof startAzurite>>];
let stores: Stores;
let host: LocalHost;
let call: ReturnType<typeof createServiceCaller>;

beforeAll(async () => {
  stores = await Promise.all([startCosmosServer(), startAzurite({ services: ['queue'] })]);
  host = await startLocalHost({
    appDir: path.resolve(__dirname, '..', '..', '..'),
    port: 0,
    clock: 'real',
    logger: process.env.SERVICE_LOGS ? undefined : silentLogger,
    queueTriggers: false,
    env: { COSMOS_ENDPOINT: stores[0].endpoint, AzureWebJobsStorage: stores[1].connectionString },
  });
  call = createServiceCaller(host.url);
});

afterAll(async () => {
  await host?.stop();
  await Promise.all([stores?.[0].stop(), stores?.[1].stop()]);
});

function expectNotProvisioned(answer: { status: number; headers: Headers; body: Record<string, unknown> }) {
  expect(answer.status).toBe(503);
  expect(answer.headers.get('content-type')).toBe('application/problem+json');
  expect(answer.body).toMatchObject({
    type: 'https://azure-plan-purchase.local/problems/StoreNotProvisioned',
    code: 'StoreNotProvisioned',
    status: 503,
  });
  expect(answer.body.title).toMatch(/not provisioned/);
}

const aBatch = { items: [{ customerId: 'contoso', mca: { method: 'invite' } }] };

describe('stores nobody provisioned', () => {
  it('answer 503 StoreNotProvisioned for a missing container or queue, then serve once provisioned', async () => {
    expectNotProvisioned(await call('GET', '/api/customers', { as: salesAgent }));

    // The database and containers, not the queues yet.
    await provisionStores({ COSMOS_ENDPOINT: stores[0].endpoint, COSMOS_KEY: stores[0].key });
    const listed = await call('GET', '/api/customers', { as: salesAgent });
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ totalCount: 0, items: [] });
    expectNotProvisioned(await call('POST', '/api/purchase-batches', { as: salesAgent, body: aBatch }));

    await provisionStores({ AzureWebJobsStorage: stores[1].connectionString });
    const submitted = await call('POST', '/api/purchase-batches', { as: salesAgent, body: aBatch });
    expect(submitted.status).toBe(202);
  });
});
