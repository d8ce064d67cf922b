import { type CosmosClient } from '@azure/cosmos';
import { type QueueServiceClient } from '@azure/storage-queue';
import { z } from 'zod';

import { type MicrosoftGateways } from '../shared/gateways/createMicrosoftGateways';
import { type Reachability } from '../shared/gateways/partnerCenter/ports';
import { type PartnerCenterPace } from '../shared/partnerCenterPace/partnerCenterPace';
import { endpoint } from '../shared/platform/http/endpoint';

const checkTimeoutMs = 3_000;

const checkStateSchema = z.enum(['ok', 'unavailable']);
const healthSchema = z
  .object({
    status: checkStateSchema,
    checks: z.object({
      cosmos: checkStateSchema,
      storage: checkStateSchema,
      /** Partner Center answers and a token for it can be had. */
      partnerCenter: checkStateSchema,
      azureResourceManager: checkStateSchema,
    }),
    /** Why a check of Microsoft failed, for the operator (no secrets): e.g. the consent must be renewed. */
    details: z.record(z.string(), z.string()).optional(),
    partnerCenterPace: z
      .object({
        mode: z.enum(['shared', 'perProcess']),
        perMinute: z.number(),
        burst: z.number(),
        nextTurnAt: z.string(),
        newLineWaitMs: z.number(),
      })
      .optional()
      .meta({
        description:
          "Partner Center's pace for the partner (docs/batches.md): orders a minute and burst, and when a batch line received now would start (its wait for its turn). Absent when the pace cannot be read in time.",
      }),
  })
  .meta({ id: 'Health' });

/**
 * What health probes: the root's own clients (each check is a live probe of the store with its own short
 * timeout, not a repository call), Microsoft's gateways and the partner's pace.
 */
export interface HealthDependencies {
  cosmos: CosmosClient;
  databaseId: string;
  storage: QueueServiceClient;
  microsoft: {
    partnerCenter: Pick<MicrosoftGateways['partnerCenter'], 'checkReachability'>;
    azureResourceManager: Pick<MicrosoftGateways['azureResourceManager'], 'checkReachability'>;
  };
  pace: Pick<PartnerCenterPace, 'describe'>;
}

async function probe(check: (signal: AbortSignal) => Promise<unknown>): Promise<'ok' | 'unavailable'> {
  try {
    await check(AbortSignal.timeout(checkTimeoutMs));
    return 'ok';
  } catch {
    return 'unavailable';
  }
}

/** A gateway's reachability within the check timeout; never throws. */
async function reach(
  check: () => Promise<Reachability>,
): Promise<{ state: 'ok' | 'unavailable'; detail?: string }> {
  const timeout = new Promise<Reachability>((resolve) =>
    setTimeout(() => resolve({ reachable: false, detail: 'no answer in time' }), checkTimeoutMs).unref(),
  );
  const result = await Promise.race([check(), timeout]).catch((error: unknown): Reachability => ({
    reachable: false,
    detail: error instanceof Error ? error.message : String(error),
  }));
  return result.reachable
    ? { state: 'ok' }
    : { state: 'unavailable', ...(result.detail ? { detail: result.detail } : {}) };
}

/** The value, or undefined when it fails or takes longer than the check timeout. */
async function withinCheckTimeout<T>(value: Promise<T>): Promise<T | undefined> {
  const timeout = new Promise<undefined>((resolve) =>
    setTimeout(() => resolve(undefined), checkTimeoutMs).unref(),
  );
  return Promise.race([value, timeout]).catch(() => undefined);
}

export const healthEndpoint = (deps: HealthDependencies) =>
  endpoint({
    name: 'health',
    method: 'GET',
    route: 'health',
    summary:
      'Reports whether the service, its stores (Cosmos DB, Azure Storage) and Microsoft (Partner Center, ARM) are reachable.',
    description:
      'Probes Cosmos DB, Azure Storage, Partner Center and ARM (a token can be had and the API answers) with a short timeout each. No credentials needed, so a load balancer or availability test can call it; 503 names the store that does not answer.',
    tags: ['Operations'],
    access: 'anonymous',
    responses: {
      200: { description: 'Every store answers.', schema: healthSchema },
      503: { description: 'At least one store does not answer.', schema: healthSchema },
    },
    handler: async () => {
      const { cosmos, databaseId, storage, microsoft, pace } = deps;
      const [cosmosState, storageState, partnerCenter, azureResourceManager, partnerCenterPace] =
        await Promise.all([
          probe((abortSignal) => cosmos.database(databaseId).read({ abortSignal })),
          probe((abortSignal) => storage.getProperties({ abortSignal })),
          reach(() => microsoft.partnerCenter.checkReachability()),
          reach(() => microsoft.azureResourceManager.checkReachability()),
          withinCheckTimeout(pace.describe()),
        ]);
      const checks = {
        cosmos: cosmosState,
        storage: storageState,
        partnerCenter: partnerCenter.state,
        azureResourceManager: azureResourceManager.state,
      };
      const details = {
        ...(partnerCenter.detail ? { partnerCenter: partnerCenter.detail } : {}),
        ...(azureResourceManager.detail ? { azureResourceManager: azureResourceManager.detail } : {}),
      };
      const healthy = Object.values(checks).every((state) => state === 'ok');
      return {
        status: healthy ? 200 : 503,
        body: {
          status: healthy ? 'ok' : 'unavailable',
          checks,
          ...(Object.keys(details).length > 0 ? { details } : {}),
          ...(partnerCenterPace ? { partnerCenterPace } : {}),
        },
        headers: { 'cache-control': 'no-store' },
      };
    },
  });
