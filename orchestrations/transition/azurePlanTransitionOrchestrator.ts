import * as df from 'durable-functions';
import { type OrchestrationContext, type OrchestrationHandler, type Task } from 'durable-functions';

import { type TransitionLine, type TransitionProgress } from '../../shared/domain/api/azurePlanTransition';
import { transitionOutcome, type TransitionSource } from '../../shared/domain/rules/azurePlanTransition';
import { type ActivityProxy, proxyActivities } from '../durablePatterns/activityMap';
import { activityRetry } from '../durablePatterns/activityRetry';
import { waitOutThrottling } from '../durablePatterns/partnerCenterThrottling';
import { type Look, pollUntilDeadline } from '../durablePatterns/pollUntilDeadline';
import { type TransitionActivities } from './transitionActivities';
import {
  azurePlanTransitionOrchestration,
  type ReadUpgradeStatusResult,
  type RecordUpgradeResult,
  type StartUpgradeResult,
  type Throttled,
  throttling,
  transitionActivityNames,
  type TransitionInput,
  transitionInputSchema,
  transitionInputVersion,
  transitionInputVersions,
  upgradePolling,
  type UpgradeWait,
} from './transitionWorkflowContract';

/**
 * The transition from Microsoft Azure (0145P) to the Azure plan through Partner Center's product upgrade: check
 * again what moves (the service's rules, then Partner Center's eligibility), start the upgrade, poll its status on
 * durable timers until it completed, record the plan and each Azure subscription under it (same id), and suspend
 * each legacy commerce subscription, line by line, then free the customer. The starter has claimed the
 * customer's work in progress with the transition id, which is also the instance id.
 */
export const azurePlanTransitionOrchestrator: OrchestrationHandler = function* (
  context: OrchestrationContext,
): Generator<Task, TransitionProgress | undefined, unknown> {
  const input = readTransitionInput(context);
  const activities = proxyActivities<TransitionActivities>(context, transitionActivityNames, activityRetry);
  const step = {
    transitionId: input.transitionId,
    customerId: input.customerId,
    correlationId: input.correlationId,
  };

  let upgrade: UpgradeWait | undefined = input.upgrade;
  if (upgrade === undefined) {
    // A start still being throttled goes on showing what it places, though it checks again what moves.
    show(
      context,
      input.startThrottled
        ? { status: 'placingOrder', lineItems: pendingLines(input.startThrottled.sources) }
        : { status: 'validating', lineItems: [] },
    );
    const selection = yield* activities.selectTransitionSources(step);
    if (selection.outcome === 'refused') return yield* fail(context, activities, input, [], selection.error);
    show(context, { status: 'placingOrder', lineItems: pendingLines(selection.sources) });

    const startUpgrade = () => activities.startUpgrade(step);
    const started = throttlingBounded(input)
      ? yield* startWithinThrottling(context, input, selection.sources, startUpgrade)
      : yield* untilNotThrottled(context, startUpgrade);
    if (started === 'continuedAsNew') return undefined;
    if (started.outcome === 'rejected') {
      return yield* fail(context, activities, input, pendingLines(selection.sources), started.error);
    }
    upgrade = {
      upgradeId: started.upgradeId,
      startedAt: context.df.currentUtcDateTime.toISOString(),
      polls: 0,
      sources: selection.sources,
    };
  }
  const { upgradeId, sources } = upgrade;
  const lineItems = pendingLines(sources);
  // Before the first yield of a continued execution, so the status never falls back to `validating`.
  show(context, { status: 'placingOrder', lineItems });

  const status = yield* untilUpgradeEnds(context, activities, input, upgrade);
  // The next execution goes on waiting; this one's output is not read.
  if (status === 'continuedAsNew') return undefined;
  if (status.outcome === 'failed') return yield* fail(context, activities, input, lineItems, status.error);

  const record = {
    ...step,
    upgradeId,
    sources,
    lines: status.lines,
    recordedAt: context.df.currentUtcDateTime.toISOString(),
  };
  // Partner Center already moved everything: recording it must not give up with the first round of retries (a
  // store that keeps failing); a few more rounds, a durable timer apart, before the transition reports it.
  let recorded: RecordUpgradeResult | undefined;
  for (let round = 1; recorded === undefined; round += 1) {
    try {
      recorded = yield* activities.recordUpgrade(record);
    } catch {
      if (round >= recordRounds) {
        return yield* fail(context, activities, input, lineItems, {
          code: 'InternalError',
          detail: `Partner Center completed the upgrade ${upgradeId}, but recording it failed; start the transition again to record it.`,
        });
      }
      yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000));
    }
  }
  const { azurePlan } = recorded;

  const lines: TransitionLine[] = sources.map((source) => {
    const moved = recorded.moved.find((line) => line.sourceSubscriptionId === source.sourceSubscriptionId);
    return moved
      ? {
          sourceSubscriptionId: source.sourceSubscriptionId,
          targetEntitlementId: moved.entitlementId,
          status: 'pending',
        }
      : {
          sourceSubscriptionId: source.sourceSubscriptionId,
          status: 'failed',
          error: {
            code: 'PartnerCenterRejected',
            detail:
              'Partner Center did not move this subscription in the product upgrade; it stays under 0145P.',
          },
        };
  });
  for (const [index, line] of lines.entries()) {
    if (line.targetEntitlementId === undefined) continue;
    show(context, { status: 'movingSubscriptions', lineItems: [...lines], azurePlan });
    lines[index] = yield* suspendLine(activities, step, line.sourceSubscriptionId, line.targetEntitlementId);
  }

  yield* activities.releaseWorkInProgress(step);
  const outcome: TransitionProgress = { status: transitionOutcome(lines), lineItems: lines, azurePlan };
  show(context, outcome);
  return outcome;
};

/** Rounds of retried `recordUpgrade` before the transition reports that it could not record the upgrade. */
const recordRounds = 3;

/** Inputs before version 3 replay the unbounded throttling waits their build journaled. */
function throttlingBounded(input: TransitionInput): boolean {
  return (input.version ?? 1) >= 3;
}

/**
 * Starts the upgrade, waiting out throttling on durable timers (`throttling`): every few waits the transition
 * continues as new, carrying since when the start is throttled, and once that has lasted
 * `throttling.startGiveUpAfterMs` the start ends refused: nothing was bought.
 */
function* startWithinThrottling(
  context: OrchestrationContext,
  input: TransitionInput,
  sources: TransitionSource[],
  call: () => Generator<Task, StartUpgradeResult, unknown>,
): Generator<Task, Exclude<StartUpgradeResult, Throttled> | 'continuedAsNew', unknown> {
  const end = yield* waitOutThrottling(context, call, {
    since: input.startThrottled?.since,
    waitsPerExecution: throttling.waitsPerExecution,
    giveUpAfterMs: throttling.startGiveUpAfterMs,
    minWaitMs: () => throttling.minWaitMs,
  });
  if (end.outcome === 'answered') return end.result;
  if (end.outcome === 'continueAsNew') {
    context.df.continueAsNew({
      ...input,
      version: transitionInputVersion,
      startThrottled: { since: end.since, sources },
    } satisfies TransitionInput);
    return 'continuedAsNew';
  }
  return {
    outcome: 'rejected',
    error: {
      code: 'PartnerCenterUnavailable',
      detail:
        `Partner Center kept throttling the start of the upgrade for ${throttling.startGiveUpAfterMs / 60_000} ` +
        'minutes; nothing was bought. Start the transition again later.',
    },
  };
}

/**
 * Repeats a step Partner Center throttled, after the wait it asked for, on a durable timer, without end (inputs
 * before version 3): `waitOutThrottling` that never gives up, waiting exactly the asked `Retry-After`.
 */
function* untilNotThrottled<T extends { outcome: string }>(
  context: OrchestrationContext,
  call: () => Generator<Task, T | Throttled, unknown>,
): Generator<Task, Exclude<T, Throttled>, unknown> {
  const end = yield* waitOutThrottling(context, call, { giveUpAfterMs: Infinity, minWaitMs: () => 0 });
  if (end.outcome !== 'answered') throw new Error('A wait without end ended.');
  return end.result;
}

/** Looks at the upgrade per execution before the wait continues as new: about 80 history events. */
export const upgradePollsPerExecution = 10;

/**
 * Polls the product upgrade on a back-off schedule of durable timers until Partner Center reports it ended, or the
 * deadline (counted from the start of the upgrade) passes: then the transition reports that instead of hanging.
 * Every few looks the wait continues as new, carrying the upgrade and the schedule position, so no execution's
 * history grows with the length of the wait.
 */
function* untilUpgradeEnds(
  context: OrchestrationContext,
  activities: ActivityProxy<TransitionActivities>,
  input: TransitionInput,
  upgrade: UpgradeWait,
): Generator<
  Task,
  Exclude<ReadUpgradeStatusResult, Throttled | { outcome: 'inProgress' }> | 'continuedAsNew',
  unknown
> {
  const read = {
    transitionId: input.transitionId,
    customerId: input.customerId,
    correlationId: input.correlationId,
    upgradeId: upgrade.upgradeId,
  };
  const deadlinePassed = {
    outcome: 'failed',
    error: {
      code: 'PartnerCenterUnavailable',
      detail: `Partner Center's product upgrade ${upgrade.upgradeId} did not finish within ${upgradePolling.deadlineMs / 3_600_000} hours; check it in Partner Center.`,
    },
  } as const;
  // Before version 3 a throttled look was waited out inside the look, without end; replayed so (every look is then
  // a poll, so the looks counted toward the continue-as-new are the polls, as that build counted them).
  const bounded = throttlingBounded(input);
  const lookAtTheUpgrade = function* (): Generator<
    Task,
    Look<Exclude<ReadUpgradeStatusResult, Throttled | { outcome: 'inProgress' }>>,
    unknown
  > {
    const readStatus = () => activities.readUpgradeStatus(read);
    const status = bounded ? yield* readStatus() : yield* untilNotThrottled(context, readStatus);
    if (status.outcome === 'throttled') {
      // The poll schedule does not advance: after the storm it goes on where it was.
      const retryAt =
        context.df.currentUtcDateTime.getTime() + Math.max(status.retryAfterMs, throttling.minWaitMs);
      return { outcome: 'throttled', retryAt };
    }
    if (status.outcome === 'inProgress') return { outcome: 'pending' };
    return { outcome: 'ended', result: status };
  };
  const end = yield* pollUntilDeadline(context, lookAtTheUpgrade, {
    polls: upgrade.polls,
    delayMs: upgradePollDelayMs,
    deadline: Date.parse(upgrade.startedAt) + upgradePolling.deadlineMs,
    // An execution journaled before the version tag polled in one history; it replays the decisions it made.
    looksPerExecution: input.version === undefined ? Infinity : upgradePollsPerExecution,
    atDeadline: 'lookAtDeadline',
  });
  if (end.outcome === 'ended') return end.result;
  if (end.outcome === 'deadlinePassed') return deadlinePassed;
  const { startThrottled: _startThrottled, ...carried } = input;
  context.df.continueAsNew({
    ...carried,
    version: transitionInputVersion,
    upgrade: { ...upgrade, polls: end.polls },
  } satisfies TransitionInput);
  return 'continuedAsNew';
}

/** 30 s, then doubling, at most 10 minutes: by poll number, so a continued execution goes on where it was. */
function upgradePollDelayMs(poll: number): number {
  return Math.min(
    upgradePolling.firstDelayMs * upgradePolling.backoffCoefficient ** poll,
    upgradePolling.maxDelayMs,
  );
}

/** The lines before anything moved: one pending line per legacy subscription. */
function pendingLines(sources: readonly TransitionSource[]): TransitionLine[] {
  return sources.map((source) => ({ sourceSubscriptionId: source.sourceSubscriptionId, status: 'pending' }));
}

/**
 * The input, checked against the shapes this build knows: an instance a newer build started (met after a
 * rollback) fails with a clear reason instead of being misread.
 */
function readTransitionInput(context: OrchestrationContext): TransitionInput {
  const input = transitionInputSchema.parse(context.df.getInput());
  const version = input.version ?? 1;
  if (!transitionInputVersions.includes(version)) {
    throw new Error(
      `Transition ${input.transitionId} was started by a build with workflow input version ${version}; this ` +
        `build runs versions ${transitionInputVersions.join(', ')}. Deploy that build again to finish it.`,
    );
  }
  return input;
}

/** The upgrade moved the Azure subscription: its legacy commerce subscription is suspended. */
function* suspendLine(
  activities: ActivityProxy<TransitionActivities>,
  step: { transitionId: string; customerId: string; correlationId: string },
  sourceSubscriptionId: string,
  entitlementId: string,
): Generator<Task, TransitionLine, unknown> {
  try {
    yield* activities.suspendLegacySubscription({ ...step, sourceSubscriptionId, entitlementId });
  } catch {
    return {
      sourceSubscriptionId,
      targetEntitlementId: entitlementId,
      status: 'failed',
      error: {
        code: 'InternalError',
        detail: `The Azure subscription is under the plan, but 0145P subscription ${sourceSubscriptionId} could not be suspended.`,
      },
    };
  }
  return { sourceSubscriptionId, targetEntitlementId: entitlementId, status: 'completed' };
}

/** Frees the customer and ends with the reason; nothing was bought (or the plan order was refused). */
function* fail(
  context: OrchestrationContext,
  activities: ActivityProxy<TransitionActivities>,
  input: TransitionInput,
  lineItems: TransitionLine[],
  error: { code: string; detail: string },
): Generator<Task, TransitionProgress, unknown> {
  yield* activities.releaseWorkInProgress({
    transitionId: input.transitionId,
    customerId: input.customerId,
    correlationId: input.correlationId,
  });
  const outcome: TransitionProgress = {
    status: 'failed',
    lineItems: lineItems.map((line) => ({ ...line, status: 'failed' })),
    error,
  };
  show(context, outcome);
  return outcome;
}

function show(context: OrchestrationContext, progress: TransitionProgress): void {
  context.df.setCustomStatus(progress);
}

export function registerAzurePlanTransitionOrchestrator(): void {
  df.app.orchestration(azurePlanTransitionOrchestration, azurePlanTransitionOrchestrator);
}
