import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import {
  type ArmSimulator,
  type ArmSimulatorOptions,
  createArmSimulator,
} from './azureResourceManager/createArmSimulator';
import {
  createIdentitySimulator,
  type IdentitySimulator,
  type IdentitySimulatorOptions,
} from './identity/createIdentitySimulator';
import {
  createPartnerCenterSimulator,
  type PartnerCenterSimulator,
  type PartnerCenterSimulatorOptions,
} from './partnerCenter';
import type { SimulatorClock } from './simulatorHttp';

export interface StartSimulatorsOptions {
  /** Ports to listen on (127.0.0.1); a free one for each left out. */
  ports?: { identity?: number; partnerCenter?: number; azureResourceManager?: number };
  /** Where the three journals live (kept across restarts); in memory when absent. */
  stateDirectory?: string;
  clock?: SimulatorClock;
  /**
   * The App+User refresh token file the gateway reads and rewrites (`PARTNER_CENTER_REFRESH_TOKEN_FILE`). A new
   * consent's token is written there when the file holds none the identity simulator would accept (first start,
   * wiped state, revoked consent), so a token the gateway rotated survives a restart. Default:
   * `<stateDirectory>/partner-center-refresh-token`, or a temporary file removed by `stop()`.
   */
  refreshTokenFile?: string;
  /** The simulated one-time consent: with MFA unless told otherwise. */
  consent?: { mfa?: boolean; upn?: string };
  identity?: Partial<IdentitySimulatorOptions>;
  partnerCenter?: PartnerCenterSimulatorOptions;
  azureResourceManager?: Partial<ArmSimulatorOptions>;
}

export interface RunningSimulators {
  identity: IdentitySimulator;
  partnerCenter: PartnerCenterSimulator;
  azureResourceManager: ArmSimulator;
  urls: { authorityHost: string; authority: string; partnerCenter: string; azureResourceManager: string };
  /** PEM of the identity simulator's development certificate (`PARTNER_CENTER_AUTHORITY_CA_FILE`). */
  caFile: string;
  refreshTokenFile: string;
  /** The app settings that point the gateways at these simulators. */
  settings: Record<string, string>;
  /**
   * Moves the three simulators' time forward together (on top of the given clock); use this rather than the
   * Partner Center simulator's own `advanceClock`, which moves only its time.
   */
  advanceClock(ms: number): Date;
  stop(): Promise<void>;
}

/**
 * Starts the identity, Partner Center and ARM simulators in this process and wires them: both APIs check tokens
 * with the identity simulator's `verifyAccessToken`; ARM asks Partner Center which customers hold an Azure plan and
 * tells it about each Azure subscription it creates, which Partner Center lists as an Azure entitlement under the
 * plan. One clock for all three.
 */
export async function startSimulators(options: StartSimulatorsOptions = {}): Promise<RunningSimulators> {
  const baseClock = options.clock ?? (() => new Date());
  // One offset for all three, so moving time never lets one simulator run ahead of the others.
  let clockOffsetMs = 0;
  const clock: SimulatorClock = () => new Date(baseClock().getTime() + clockOffsetMs);
  const { stateDirectory } = options;
  if (stateDirectory) mkdirSync(stateDirectory, { recursive: true });

  const identity = createIdentitySimulator({
    clock,
    ...(stateDirectory ? { stateDirectory } : {}),
    ...(options.identity ? { options: options.identity } : {}),
  });
  const partnerCenter = createPartnerCenterSimulator({
    verifyAccessToken: identity.verifyAccessToken,
    clock,
    ...(stateDirectory ? { journal: { directory: stateDirectory } } : {}),
    ...(options.partnerCenter ? { options: options.partnerCenter } : {}),
  });
  const azureResourceManager = createArmSimulator({
    verifyAccessToken: identity.verifyAccessToken,
    clock,
    ...(stateDirectory ? { stateDirectory } : {}),
    azurePlanHolders: (customerId) => {
      const plan = partnerCenter.controls.findAzurePlan(customerId);
      return plan?.status === 'active' ? plan.subscriptionId : undefined;
    },
    azurePlanCustomers: () => partnerCenter.controls.azurePlanCustomers(),
    onSubscriptionCreated: (customerId, subscriptionId, displayName) => {
      const added = partnerCenter.controls.addAzureEntitlement(customerId, {
        id: subscriptionId,
        friendlyName: displayName,
      });
      // Thrown, the ARM simulator keeps the alias Accepted and tells Partner Center again later.
      if (!added.ok)
        throw new Error(`Partner Center refused the Azure entitlement: ${JSON.stringify(added.body)}`);
    },
    ...(options.azureResourceManager ? { options: options.azureResourceManager } : {}),
  });

  const started: { stop(): Promise<void> }[] = [];
  let temporaryDirectory: string | undefined;
  try {
    const { url: authorityHost } = await identity.start({ port: options.ports?.identity ?? 0 });
    started.push(identity);
    const { url: partnerCenterUrl } = await partnerCenter.start({ port: options.ports?.partnerCenter ?? 0 });
    started.push(partnerCenter);
    const { url: armUrl } = await azureResourceManager.start({
      port: options.ports?.azureResourceManager ?? 0,
    });
    started.push(azureResourceManager);

    let refreshTokenFile = options.refreshTokenFile;
    if (!refreshTokenFile) {
      temporaryDirectory = stateDirectory ? undefined : mkdtempSync(path.join(tmpdir(), 'simulators-'));
      refreshTokenFile = path.join(
        stateDirectory ?? (temporaryDirectory as string),
        'partner-center-refresh-token',
      );
    }
    ensureUsableRefreshToken(identity, refreshTokenFile, options.consent);

    const [client] = identity.clients;
    if (!client) throw new Error('the identity simulator has no client application');
    const urls = {
      authorityHost,
      authority: identity.authority,
      partnerCenter: partnerCenterUrl,
      azureResourceManager: armUrl,
    };
    const removeTemporary = temporaryDirectory;
    return {
      identity,
      partnerCenter,
      azureResourceManager,
      urls,
      caFile: identity.caFile,
      refreshTokenFile,
      settings: {
        PARTNER_CENTER_ENDPOINT: urls.partnerCenter,
        ARM_ENDPOINT: urls.azureResourceManager,
        ARM_BILLING_ACCOUNT_ID: azureResourceManager.billingAccountName,
        PARTNER_CENTER_AUTHORITY_HOST: urls.authorityHost,
        PARTNER_CENTER_AUTHORITY_CA_FILE: identity.caFile,
        PARTNER_TENANT_ID: identity.tenantId,
        PARTNER_CENTER_CLIENT_ID: client.clientId,
        PARTNER_CENTER_CLIENT_SECRET: client.clientSecret,
        PARTNER_CENTER_REFRESH_TOKEN_FILE: refreshTokenFile,
      },
      advanceClock(ms) {
        clockOffsetMs += ms;
        azureResourceManager.controls.settle();
        return clock();
      },
      async stop() {
        // Reverse order: ARM calls into Partner Center; nothing may call a stopped simulator.
        await azureResourceManager.stop();
        await partnerCenter.stop();
        await identity.stop();
        if (removeTemporary) rmSync(removeTemporary, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const simulator of started.reverse()) await simulator.stop().catch(() => {});
    if (temporaryDirectory) rmSync(temporaryDirectory, { recursive: true, force: true });
    throw error;
  }
}

/** Keeps a token the gateway rotated; writes a new consent's token when the file has none that still works. */
function ensureUsableRefreshToken(
  identity: IdentitySimulator,
  file: string,
  consent: StartSimulatorsOptions['consent'],
): void {
  const current = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (current && identity.controls.isRefreshTokenUsable(current)) return;
  const { refreshToken } = identity.controls.issueRefreshToken({
    mfa: consent?.mfa ?? true,
    ...(consent?.upn ? { upn: consent.upn } : {}),
  });
  mkdirSync(path.dirname(file), { recursive: true });
  // Write then rename, as the gateway's file store does: a reader never sees half a token.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${refreshToken}\n`, { encoding: 'utf8', mode: 0o600 });
  renameSync(temporary, file);
}
