import { z } from 'zod';

import { type TransitionSource } from '../../shared/domain/rules/azurePlanTransition';
import { type Throttled } from '../durablePatterns/partnerCenterThrottling';

/**
 * The contract between the transition starter, its orchestrator, the activities and the status reader: names and
 * the small, serialisable shapes that cross the durable history. No I/O here, so the orchestrator may import it.
 */
export const azurePlanTransitionOrchestration = 'azurePlanTransition';

/**
 * The name each activity of `createTransitionActivities` is registered under. Running orchestrations replay their
 * history by these names, so a name stays when its activity is renamed in the code (`selectTransitionSources` was
 * `plan`, `releaseWorkInProgress` was `releaseSlot`).
 */
export const transitionActivityNames = {
  selectTransitionSources: 'azurePlanTransition-plan',
  startUpgrade: 'azurePlanTransition-startUpgrade',
  readUpgradeStatus: 'azurePlanTransition-readUpgradeStatus',
  recordUpgrade: 'azurePlanTransition-recordUpgrade',
  suspendLegacySubscription: 'azurePlanTransition-suspendLegacySubscription',
  releaseWorkInProgress: 'azurePlanTransition-releaseSlot',
} as const;

/** How the transition waits for Partner Center's product upgrade (durable timers, never a sleep in an activity). */
export const upgradePolling = {
  firstDelayMs: 30_000,
  backoffCoefficient: 2,
  maxDelayMs: 10 * 60_000,
  /** After this long the transition ends `failed` and says so, instead of waiting forever. */
  deadlineMs: 48 * 3_600_000,
} as const;

/**
 * How the transition waits out Partner Center's throttling (429 with `Retry-After`): each wait is a durable timer of
 * the asked length (at least `minWaitMs`), and no execution's history grows with the length of a 429 storm.
 * - Before the upgrade starts, every `waitsPerExecution` waits the transition continues as new (it checks again what
 *   moves, then asks again); once the start has been throttled for `startGiveUpAfterMs` it ends `failed` with
 *   `PartnerCenterUnavailable`: nothing was bought, the customer is free, start it again later.
 * - While the upgrade runs, a throttled look at it counts as a look toward the continue-as-new of the wait; the
 *   poll schedule resumes where it was, and the upgrade's deadline (`upgradePolling.deadlineMs`) still ends it.
 */
export const throttling = {
  minWaitMs: 1_000,
  waitsPerExecution: 10,
  startGiveUpAfterMs: 3_600_000,
} as const;

/** Fault-injection points (FAULT_INJECTION, tests only): each fails its activity after the activity's write. */
export const transitionFaultPoints = {
  afterAzurePlanOrder: 'transition.placePlanOrder.afterWrite',
  afterMove: 'transition.moveSubscription.afterWrite',
  afterSuspend: 'transition.suspendLegacySubscription.afterWrite',
} as const;

/**
 * The shape of the orchestration input this build writes (see docs/workflows.md, "Changing a workflow"): every new execution
 * carries it; an input without it was journaled before the tag (version 1) and replays the decisions that build
 * made; a version this build does not know is refused, not misread.
 */
export const transitionInputVersion = 3;
/** 2: continues as new every few upgrade polls. 3: throttling waits are bounded too (`throttling`). */
export const transitionInputVersions: readonly number[] = [1, 2, transitionInputVersion];

/**
 * Carried from one execution to the next while Partner Center runs the product upgrade: the upgrade, what moves
 * (ids and the display name), and the position in the poll schedule. The deadline counts from `startedAt`.
 */
export const upgradeWaitSchema = z.object({
  upgradeId: z.string(),
  startedAt: z.string(),
  polls: z.number().int().nonnegative(),
  sources: z.array(
    z.object({ sourceSubscriptionId: z.string(), azureSubscriptionId: z.string(), friendlyName: z.string() }),
  ),
});
export type UpgradeWait = z.infer<typeof upgradeWaitSchema>;

/** The orchestration input: ids only. The transition id is the instance id and holds the customer's work in progress. */
export const transitionInputSchema = z.object({
  /** Absent: version 1 (journaled before the tag). Any number is read here, so status reads never break on it. */
  version: z.number().int().positive().optional(),
  transitionId: z.string(),
  customerId: z.string(),
  correlationId: z.string(),
  requestedBy: z.object({ userId: z.string(), name: z.string().optional() }),
  /** Carried while the upgrade runs at Partner Center (continue-as-new every few polls). */
  upgrade: upgradeWaitSchema.optional(),
  /**
   * Carried while Partner Center keeps throttling the start of the upgrade: since when, and what moved when it began
   * (shown until the next execution has checked again).
   */
  startThrottled: z.object({ since: z.string(), sources: upgradeWaitSchema.shape.sources }).optional(),
});
export type TransitionInput = z.infer<typeof transitionInputSchema>;

interface TransitionStep {
  transitionId: string;
  customerId: string;
  correlationId: string;
}

export type SelectTransitionSourcesInput = TransitionStep;

/**
 * Business refusals are values: error types do not survive the activity boundary. `planned` is the outcome's name in
 * the history of running orchestrations, so it stays.
 */
export type SelectTransitionSourcesResult =
  | { outcome: 'planned'; sources: TransitionSource[] }
  | { outcome: 'refused'; error: { code: string; detail: string } };

/** Partner Center asked to wait (429): the orchestrator waits with a durable timer, then repeats the step. */
export type { Throttled };

export type StartUpgradeInput = TransitionStep;

export type StartUpgradeResult =
  | { outcome: 'started'; upgradeId: string }
  | Throttled
  | { outcome: 'rejected'; error: { code: string; detail: string } };

export interface ReadUpgradeStatusInput extends TransitionStep {
  upgradeId: string;
}

/** One line of the upgrade: the Azure subscription that moved and the plan it moved under. */
export interface UpgradeLine {
  azureSubscriptionId: string;
  planSubscriptionId: string;
}

export type ReadUpgradeStatusResult =
  | { outcome: 'inProgress' }
  | { outcome: 'completed'; lines: UpgradeLine[] }
  | { outcome: 'failed'; error: { code: string; detail: string } }
  | Throttled;

export interface RecordUpgradeInput extends TransitionStep {
  upgradeId: string;
  sources: TransitionSource[];
  lines: UpgradeLine[];
  recordedAt: string;
}

export interface RecordUpgradeResult {
  azurePlan: { subscriptionId: string; orderId: string };
  /** Each legacy subscription and the Azure entitlement (same Azure subscription id) it now is under the plan. */
  moved: { sourceSubscriptionId: string; entitlementId: string }[];
}

export interface SuspendLegacySubscriptionInput extends TransitionStep {
  sourceSubscriptionId: string;
  entitlementId: string;
}

export type ReleaseWorkInProgressInput = TransitionStep;
