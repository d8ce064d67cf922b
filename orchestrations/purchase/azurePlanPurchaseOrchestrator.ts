import * as df from 'durable-functions';
import { type OrchestrationContext, type OrchestrationHandler, type Task } from 'durable-functions';

import { type McaDecision } from '../../shared/domain/rules/azurePlanPurchase';
import { invitationDeadline, nextWakeUp } from '../../shared/domain/rules/invitationSchedule';
import {
  provisioningDeadlineMs,
  provisioningPollDelayMs,
} from '../../shared/domain/rules/provisioningSchedule';
import { type ActivityProxy, proxyActivities } from '../durablePatterns/activityMap';
import { activityRetry } from '../durablePatterns/activityRetry';
import {
  partnerCenterThrottling,
  throttlingBackoffMs,
  waitOutThrottling,
} from '../durablePatterns/partnerCenterThrottling';
import { type Look, pollUntilDeadline } from '../durablePatterns/pollUntilDeadline';
import { type PurchaseActivities } from './purchaseActivities';
import {
  azurePlanPurchaseOrchestration,
  type CheckoutInput,
  type CheckoutOutcome,
  type ConfirmedCustomer,
  type CreatedCart,
  type InvitationProgress,
  type InviteCustomerInput,
  type PartnerCenterStepResult,
  type Provisioning,
  type ProvisioningWait,
  purchaseActivityNames,
  type PurchaseCustomStatus,
  type PurchaseError,
  purchaseEvents,
  type PurchaseInput,
  purchaseInputSchema,
  purchaseInputVersion,
  purchaseInputVersions,
  type PurchaseOutcome,
  type RecordAzurePlanResult,
  type ReleaseWorkInProgressInput,
  type SignatureState,
} from './purchaseWorkflowContract';

type InviteMca = Extract<McaDecision, { method: 'invite' }>;
/** The purchase's activities as the orchestrator calls them (`yield* activities.confirmMca(…)`), typed. */
type Activities = ActivityProxy<PurchaseActivities>;
type SignatureOutcome =
  | { outcome: 'accepted'; invitation: InvitationProgress }
  | { outcome: 'expired' | 'cancelled'; invitation: InvitationProgress };

/**
 * The Azure plan purchase, as Partner Center runs it: get the MCA accepted (already accepted, attested with the
 * purchase, or by inviting the customer and waiting for the signature), order the plan, wait for Partner Center to
 * provision it, then record it. The purchase id is the instance id; the input carries ids and the small MCA decision
 * only. Both long waits continue as new, so a continued execution picks up where the input says the wait stands.
 */
export const azurePlanPurchaseOrchestrator: OrchestrationHandler = function* (
  context: OrchestrationContext,
): Generator<Task, PurchaseOutcome | undefined, unknown> {
  const input = readPurchaseInput(context);
  const activities: Activities = proxyActivities<PurchaseActivities>(
    context,
    purchaseActivityNames,
    activityRetry,
  );
  const mcaMethod = input.mca.method;
  const step = {
    purchaseId: input.purchaseId,
    customerId: input.customerId,
    correlationId: input.correlationId,
    // An optional field of the activity inputs (replay compares names, not inputs): their spans join the trace.
    ...(input.telemetry ? { telemetry: input.telemetry } : {}),
  };
  let invitation: InvitationProgress | undefined = input.provisioning?.invitation;
  const fail = function* (error: PurchaseError): Generator<Task, PurchaseOutcome, unknown> {
    yield* activities.releaseWorkInProgress({ ...step, failure: error.code });
    showStep(context, { step: 'failed', mcaMethod, error });
    return { status: 'failed', error, ...(invitation ? { invitation } : {}) };
  };

  let ordered: ProvisioningWait | undefined = input.provisioning;
  if (ordered === undefined) {
    if (input.mca.method === 'invite') {
      const signature = yield* awaitCustomerSignature(context, activities, input, input.mca);
      // The next execution goes on waiting; this one's output is not read.
      if (signature === 'continuedAsNew') return undefined;
      invitation = signature.invitation;
      if (signature.outcome !== 'accepted') return { status: signature.outcome, invitation };
    }
    showStep(context, { step: 'placingOrder', mcaMethod, ...(invitation ? { invitation } : {}) });

    // Partner Center must hold the MCA before it sells the Azure plan.
    const confirmed = yield* partnerCenterStep<ConfirmedCustomer>(context, () =>
      activities.confirmMca({
        ...step,
        ...(input.mca.method === 'attest'
          ? { attestation: { primaryContact: input.mca.primaryContact, dateAgreed: input.mca.dateAgreed } }
          : {}),
      }),
    );
    if (confirmed.outcome === 'refused') return yield* fail(confirmed.error);
    const customer = confirmed.value;

    const checkedOut = yield* orderAzurePlan(context, activities, input, customer);
    if (checkedOut.outcome === 'refused') return yield* fail(checkedOut.error);
    ordered = {
      partnerCenterCustomerId: customer.partnerCenterCustomerId,
      orderId: checkedOut.value.orderId,
      catalogItemId: checkedOut.value.cart.catalogItemId,
      checkedOutAt: context.df.currentUtcDateTime.toISOString(),
      polls: 0,
      ...(invitation ? { invitation } : {}),
    };
  }

  // Before the first yield of a continued execution, so the status never falls back to `validating`.
  showStep(context, { step: 'provisioning', mcaMethod, ...(invitation ? { invitation } : {}) });
  const provisioned = yield* awaitProvisioning(context, activities, input, ordered);
  // The next execution goes on waiting; this one's output is not read.
  if (provisioned === 'continuedAsNew') return undefined;
  if (provisioned.outcome === 'refused') return yield* fail(provisioned.error);

  const record = {
    ...step,
    requestedBy: input.requestedBy,
    // Partner Center's ids: the record says what Microsoft sold.
    ids: {
      orderId: ordered.orderId,
      subscriptionId: provisioned.value.subscriptionId,
      entitlementId: provisioned.value.entitlementId,
    },
    offerId: ordered.catalogItemId,
    ...(input.mca.method === 'attest'
      ? { attestation: { primaryContact: input.mca.primaryContact, dateAgreed: input.mca.dateAgreed } }
      : {}),
    placedAt: context.df.currentUtcDateTime.toISOString(),
  };
  let result: RecordAzurePlanResult;
  try {
    result = yield* activities.recordAzurePlan(record);
  } catch {
    // The retries ran out: the order may have been written by an attempt that failed afterwards. Ask the store.
    result = yield* settleAfterFailedOrder(activities, step);
  }

  if (result.outcome === 'placed') {
    const outcome: PurchaseOutcome = {
      status: 'completed',
      order: result.order,
      ...(invitation ? { invitation } : {}),
    };
    showStep(context, { step: 'completed', mcaMethod, order: result.order });
    return outcome;
  }
  return yield* fail(result.error);
};

/**
 * The input, checked against the shapes this build knows: an instance a newer build started (met after a
 * rollback) fails with a clear reason instead of being misread.
 */
function readPurchaseInput(context: OrchestrationContext): PurchaseInput {
  const input = purchaseInputSchema.parse(context.df.getInput());
  const version = input.version ?? 1;
  if (!purchaseInputVersions.includes(version)) {
    throw new Error(
      `Purchase ${input.purchaseId} was started by a build with workflow input version ${version}; this build ` +
        `runs versions ${purchaseInputVersions.join(', ')}. Deploy that build again to finish it.`,
    );
  }
  return input;
}

/** Stale availabilities (400019) rebuild the cart this many times before the purchase reports the refusal. */
const maxCartRebuilds = 3;
/** Inputs before version 4: throttled answers waited out per step before the purchase reports Partner Center unavailable. */
const maxThrottledWaits = 20;

/**
 * Resolves the availability, creates the cart and checks it out. A checkout Partner Center refuses because the
 * availability went stale (400019) builds a new cart from the current availability; a repeat of the checkout
 * itself (lost answer) is the same step on the same cart and buys nothing twice.
 */
function* orderAzurePlan(
  context: OrchestrationContext,
  activities: Activities,
  input: PurchaseInput,
  customer: ConfirmedCustomer,
): Generator<Task, StepEnd<{ cart: CreatedCart; orderId: string }>, unknown> {
  const step = {
    purchaseId: input.purchaseId,
    customerId: input.customerId,
    correlationId: input.correlationId,
    ...(input.telemetry ? { telemetry: input.telemetry } : {}),
  };
  // Before version 4 an unclear checkout ended the purchase (replayed so).
  const settlesCheckout = (input.version ?? 1) >= 4;
  for (let attempt = 0; ; attempt += 1) {
    const cart = yield* partnerCenterStep<CreatedCart>(context, () =>
      activities.createCart({ ...step, ...customer, attempt }),
    );
    if (cart.outcome === 'refused') return cart;
    const checkoutInput: CheckoutInput = {
      ...step,
      partnerCenterCustomerId: customer.partnerCenterCustomerId,
      cartId: cart.value.cartId,
    };
    const checkout = settlesCheckout
      ? yield* settleCheckout(context, activities, checkoutInput)
      : asPlaced(
          yield* partnerCenterStep<CheckoutOutcome>(context, () => activities.checkout(checkoutInput)),
        );
    if (checkout.outcome === 'done') {
      return { outcome: 'done', value: { cart: cart.value, orderId: checkout.value.orderId } };
    }
    if (checkout.error.partnerCenterCode !== staleAvailabilityCode || attempt >= maxCartRebuilds)
      return checkout;
  }
}

const staleAvailabilityCode = 400019;

/**
 * How long an unclear checkout is settled by asking Partner Center again: the orders list lags new orders by up to
 * 15 minutes (§4), so twice that, counted from the first unclear answer: 5 s, 15 s, 30 s, 1 and 2 minutes, then
 * every 5 minutes (11 looks).
 */
export const checkoutSettleMs = 30 * 60_000;
const checkoutSettleDelayMs = (look: number) => [5_000, 15_000, 30_000, 60_000, 120_000][look] ?? 300_000;

/**
 * Checks the cart out until Partner Center's answer is clear. Throttling is waited out as for every step (by time,
 * `waitOutThrottling`: a 429 placed nothing). An unanswered call (the order may have been placed and the answer
 * lost), or an answer that the order is being placed while no list shows it yet, is followed, after a durable timer,
 * by the same step on the same cart: Partner Center answers a repeat with the first result (or the activity finds
 * the order in its lists), and a checkout that never reached it is made then. Only a refusal, throttling without a
 * break for an hour, or no clear answer within `checkoutSettleMs` ends the purchase (then the reconciliation reports
 * what Partner Center holds).
 */
function* settleCheckout(
  context: OrchestrationContext,
  activities: Activities,
  checkoutInput: CheckoutInput,
): Generator<Task, StepEnd<{ orderId: string }>, unknown> {
  const unconfirmed: StepEnd<never> = {
    outcome: 'refused',
    error: {
      code: 'OrderUnconfirmed',
      detail:
        `Partner Center did not confirm within ${checkoutSettleMs / 60_000} minutes whether cart ` +
        `${checkoutInput.cartId} was ordered. Check the customer's Azure plan in Partner Center before buying again.`,
    },
  };
  // When an answer first left open that the order was placed (a throttled call was refused: it placed nothing).
  let unclearSince: number | undefined;
  for (let look = 0; ; look += 1) {
    const end = yield* waitOutThrottling(
      context,
      () => tryPartnerCenterStep(() => activities.checkout(checkoutInput)),
      { minWaitMs: throttlingBackoffMs },
    );
    if (end.outcome !== 'answered') {
      if (unclearSince !== undefined) return unconfirmed;
      return {
        outcome: 'refused',
        error: {
          code: 'PartnerCenterUnavailable',
          detail:
            `Partner Center kept throttling the checkout for ${partnerCenterThrottling.giveUpAfterMs / 60_000} ` +
            'minutes; nothing was bought. Start the purchase again later.',
        },
      };
    }
    const result = end.result;
    if (result !== 'unanswered' && result.outcome === 'refused') return result;
    if (result !== 'unanswered' && result.value.orderId !== undefined) {
      return { outcome: 'done', value: { orderId: result.value.orderId } };
    }
    const now = context.df.currentUtcDateTime.getTime();
    unclearSince ??= now;
    const retryAt = now + checkoutSettleDelayMs(look);
    if (retryAt > unclearSince + checkoutSettleMs) return unconfirmed;
    yield context.df.createTimer(new Date(retryAt));
  }
}

/** Version 3 and before: an unsettled checkout was Partner Center's refusal (800064/800065), as it was replayed. */
function asPlaced(result: StepEnd<CheckoutOutcome>): StepEnd<{ orderId: string }> {
  if (result.outcome === 'refused') return result;
  if (result.value.orderId !== undefined)
    return { outcome: 'done', value: { orderId: result.value.orderId } };
  return {
    outcome: 'refused',
    error: {
      code: 'OrderInProgress',
      detail: 'Partner Center is still processing the checkout.',
      partnerCenterCode: result.value.unsettled,
    },
  };
}

/** Looks at the order per execution before the wait continues as new: about 80 history events. */
export const provisioningPollsPerExecution = 10;

/**
 * Waits for Partner Center to provision the order: one look per durable timer, on a back-off schedule, until the
 * plan subscription and its first Azure subscription are there, or the deadline (counted from the checkout) passes
 * (then the purchase reports it instead of hanging). Every few looks the wait continues as new, carrying the ids and
 * the schedule position, so no execution's history grows with the length of the wait.
 */
function* awaitProvisioning(
  context: OrchestrationContext,
  activities: Activities,
  input: PurchaseInput,
  wait: ProvisioningWait,
): Generator<Task, StepEnd<{ subscriptionId: string; entitlementId: string }> | 'continuedAsNew', unknown> {
  const look = {
    purchaseId: input.purchaseId,
    customerId: input.customerId,
    correlationId: input.correlationId,
    partnerCenterCustomerId: wait.partnerCenterCustomerId,
    orderId: wait.orderId,
    ...(input.telemetry ? { telemetry: input.telemetry } : {}),
  };
  const timedOut: StepEnd<never> = {
    outcome: 'refused',
    error: {
      code: 'ProvisioningTimedOut',
      detail:
        `Partner Center accepted order ${wait.orderId} but had not provisioned it after ` +
        `${provisioningDeadlineMs / 3_600_000} hours. Check the order in Partner Center before buying again.`,
    },
  };
  // Before version 3 a throttled or unanswered look ran through partnerCenterStep (which gives up); replayed so.
  const waitsOutTrouble = (input.version ?? 1) >= 3;
  const lookAtTheOrder = function* (): Generator<
    Task,
    Look<StepEnd<{ subscriptionId: string; entitlementId: string }>>,
    unknown
  > {
    const lookedAt = context.df.currentUtcDateTime.getTime();
    let state: PartnerCenterStepResult<Provisioning> | 'unanswered';
    if (waitsOutTrouble) {
      state = yield* tryPartnerCenterStep(() => activities.readProvisioning(look));
      if (state !== 'unanswered' && state.outcome === 'throttled') {
        // The order is placed: throttling only delays the look (same place in the back-off), up to the deadline.
        return { outcome: 'throttled', retryAt: lookedAt + Math.max(state.retryAfterMs, 1_000) };
      }
    } else {
      state = yield* partnerCenterStep(context, () => activities.readProvisioning(look));
    }
    // Unanswered (an outage that outlasted the activity's retries): the order is placed, so look again later.
    if (state === 'unanswered') return { outcome: 'pending' };
    if (state.outcome === 'refused') return { outcome: 'ended', result: state };
    if (!state.value.provisioned) return { outcome: 'pending' };
    const { subscriptionId, entitlementId } = state.value;
    return { outcome: 'ended', result: { outcome: 'done', value: { subscriptionId, entitlementId } } };
  };
  const end = yield* pollUntilDeadline(context, lookAtTheOrder, {
    polls: wait.polls,
    delayMs: provisioningPollDelayMs,
    deadline: Date.parse(wait.checkedOutAt) + provisioningDeadlineMs,
    // An execution journaled before the version tag polled in one history; it replays the decisions it made.
    looksPerExecution: input.version === undefined ? Infinity : provisioningPollsPerExecution,
    atDeadline: 'endBeforeOvershoot',
  });
  if (end.outcome === 'ended') return end.result;
  if (end.outcome === 'deadlinePassed') return timedOut;
  context.df.continueAsNew({
    ...input,
    version: purchaseInputVersion,
    provisioning: { ...wait, polls: end.polls },
  } satisfies PurchaseInput);
  return 'continuedAsNew';
}

type StepEnd<T> = Exclude<PartnerCenterStepResult<T>, { outcome: 'throttled' }>;

/** One call of a Partner Center step's activity (the same step key each time it is called again). */
type PartnerCenterCall<T> = () => Generator<Task, PartnerCenterStepResult<T>, unknown>;

/** One Partner Center step, once: its result, or `'unanswered'` when the activity's retries ran out. */
function* tryPartnerCenterStep<T>(
  call: PartnerCenterCall<T>,
): Generator<Task, PartnerCenterStepResult<T> | 'unanswered', unknown> {
  try {
    return yield* call();
  } catch {
    return 'unanswered';
  }
}

/**
 * Runs one Partner Center step. Throttling becomes a durable timer for `Retry-After` (at least the back-off), then
 * the same step again (same step key), until Partner Center has throttled it without a break for an hour
 * (`partnerCenterThrottling`, input version 4; before, after 20 throttled answers); an outage that outlasts the
 * activity retries ends as `PartnerCenterUnavailable`.
 */
function* partnerCenterStep<T>(
  context: OrchestrationContext,
  call: PartnerCenterCall<T>,
): Generator<Task, StepEnd<T>, unknown> {
  const unavailable = (detail: string): StepEnd<T> => ({
    outcome: 'refused',
    error: { code: 'PartnerCenterUnavailable', detail },
  });
  const unanswered = unavailable(
    'Partner Center could not be reached after several attempts. Start the purchase again later.',
  );
  // Inputs before version 4 replay the count of throttled answers their build journaled: 20, each wait the asked
  // Retry-After (at least 1 s), no back-off.
  const byTime = throttlingEndsByTime(context);
  const end = yield* waitOutThrottling(
    context,
    () => tryPartnerCenterStep(call),
    byTime
      ? { minWaitMs: throttlingBackoffMs }
      : { giveUpAfterMs: Infinity, giveUpAfterWaits: maxThrottledWaits, minWaitMs: () => 1_000 },
  );
  if (end.outcome === 'answered') return end.result === 'unanswered' ? unanswered : end.result;
  if (!byTime)
    return unavailable('Partner Center kept throttling the purchase. Start the purchase again later.');
  return unavailable(
    `Partner Center kept throttling the purchase for ${partnerCenterThrottling.giveUpAfterMs / 60_000} minutes. ` +
      'Start the purchase again later.',
  );
}

/** Inputs before version 4 replay the count of throttled answers their build journaled. */
function throttlingEndsByTime(context: OrchestrationContext): boolean {
  const { version } = context.df.getInput<{ version?: number }>();
  return (version ?? 1) >= 4;
}

/**
 * What a purchase whose `recordAzurePlan` kept failing has bought: its order if the Azure plan marker shows it was
 * written (a later step failed), else nothing. The work in progress is freed either way (releasing is idempotent), so a
 * summary write that never landed does not keep the customer blocked.
 */
function* settleAfterFailedOrder(
  activities: Activities,
  release: ReleaseWorkInProgressInput,
): Generator<Task, RecordAzurePlanResult, unknown> {
  let placed;
  try {
    placed = yield* activities.findPlacedOrder(release);
  } catch {
    return {
      outcome: 'rejected',
      error: {
        code: 'InternalError',
        detail:
          "The order could not be placed, and whether it was cannot be confirmed now; check the customer's " +
          'Azure plan before starting the purchase again.',
      },
    };
  }
  if (placed !== null) {
    yield* activities.releaseWorkInProgress(release);
    return { outcome: 'placed', order: placed, alreadyPlaced: true };
  }
  return {
    outcome: 'rejected',
    error: {
      code: 'InternalError',
      // The order is Partner Center's by now (recording follows its provisioning): only our record is missing, and
      // the reconciliation timer records the plan Partner Center holds (docs/partner-center.md, "Reconciliation").
      detail:
        'Partner Center provisioned the order, but the service could not record it; the reconciliation records the ' +
        "customer's Azure plan from Partner Center. Do not start the purchase again.",
    },
  };
}

/** How often a waiting purchase asks Partner Center whether the customer signed directly (see docs/workflows.md). */
export const directSignPollMs = 3_600_000;

/**
 * One round of the wait for the customer's signature. The first round invites the customer. Each round first
 * re-reads the truth (the invitation, the customer's MCA, the direct-sign status at Microsoft: an event only wakes
 * the workflow, and one raised while it continues as new may never arrive), then sleeps until the next reminder,
 * the next direct-sign poll or the deadline, unless an event wakes it earlier. A round that ends still waiting
 * continues as new, carrying the schedule, so every execution's history stays small however long the wait.
 */
function* awaitCustomerSignature(
  context: OrchestrationContext,
  activities: Activities,
  input: PurchaseInput,
  mca: InviteMca,
): Generator<Task, SignatureOutcome | 'continuedAsNew', unknown> {
  const wait = input.wait ?? {
    invitedAt: context.df.currentUtcDateTime.toISOString(),
    remindersSent: 0,
  };
  const schedule = {
    invitedAt: new Date(wait.invitedAt),
    reminderEveryHours: mca.reminderEveryHours,
    expiresInDays: mca.expiresInDays,
  };
  const invite: InviteCustomerInput = {
    purchaseId: input.purchaseId,
    customerId: input.customerId,
    email: mca.email,
    expiresAt: invitationDeadline(schedule).toISOString(),
    correlationId: input.correlationId,
    ...(input.telemetry ? { telemetry: input.telemetry } : {}),
  };
  let remindersSent = wait.remindersSent;
  const progress = (): InvitationProgress => ({
    email: invite.email,
    expiresAt: invite.expiresAt,
    remindersSent,
  });
  if (input.wait === undefined) {
    yield* activities.inviteCustomer(invite);
  }
  // Before the first yield of a continued execution, so the status never falls back to `validating`.
  showStep(context, { step: 'awaitingCustomerSignature', mcaMethod: 'invite', invitation: progress() });

  const readTruth = (): Generator<Task, SignatureState, unknown> =>
    activities.readSignature({
      purchaseId: input.purchaseId,
      customerId: input.customerId,
      correlationId: input.correlationId,
      ...(input.telemetry ? { telemetry: input.telemetry } : {}),
    });
  const settle = function* (truth: SignatureState): Generator<Task, SignatureOutcome | undefined, unknown> {
    if (truth === 'accepted') return { outcome: 'accepted', invitation: progress() };
    if (truth === 'cancelled') {
      yield* activities.closeInvitation({ ...invite, outcome: 'cancelled' });
      return { outcome: 'cancelled', invitation: progress() };
    }
    return undefined;
  };

  const before = yield* settle(yield* readTruth());
  if (before) return before;

  const wake = nextWakeUp(schedule, remindersSent);
  const pollAt = context.df.currentUtcDateTime.getTime() + directSignPollMs;
  const timerAt = new Date(Math.min(wake.at.getTime(), pollAt));
  const accepted = context.df.waitForExternalEvent(purchaseEvents.mcaAccepted);
  const cancelled = context.df.waitForExternalEvent(purchaseEvents.purchaseCancelled);
  const timer = context.df.createTimer(timerAt);
  const winner: unknown = yield context.df.Task.any([accepted, cancelled, timer]);
  if (winner !== timer) {
    // An orchestration cannot finish (or continue as new) while a timer is pending.
    timer.cancel();
  } else if (timerAt.getTime() === wake.at.getTime()) {
    if (wake.reason === 'deadline') {
      // A signature that landed just before the deadline still counts.
      const last = yield* settle(yield* readTruth());
      if (last) return last;
      yield* activities.closeInvitation({ ...invite, outcome: 'expired' });
      return { outcome: 'expired', invitation: progress() };
    }
    remindersSent += 1;
    yield* activities.remindCustomer({ ...invite, round: remindersSent });
  }
  const after = yield* settle(yield* readTruth());
  if (after) return after;
  const next: PurchaseInput = {
    ...input,
    version: purchaseInputVersion,
    wait: { invitedAt: wait.invitedAt, remindersSent },
  };
  context.df.continueAsNew(next);
  return 'continuedAsNew';
}

function showStep(context: OrchestrationContext, status: PurchaseCustomStatus): void {
  context.df.setCustomStatus(status);
}

export function registerAzurePlanPurchaseOrchestrator(): void {
  df.app.orchestration(azurePlanPurchaseOrchestration, azurePlanPurchaseOrchestrator);
}
