import { type OrchestrationHandler } from 'durable-functions';

import { azurePlanPurchaseOrchestrator } from '../orchestrations/purchase/azurePlanPurchaseOrchestrator';
import {
  purchaseActivityNames,
  type PurchaseInput,
  purchaseInputVersion,
} from '../orchestrations/purchase/purchaseWorkflowContract';
import { azurePlanTransitionOrchestrator } from '../orchestrations/transition/azurePlanTransitionOrchestrator';
import {
  transitionActivityNames,
  type TransitionInput,
  transitionInputVersion,
} from '../orchestrations/transition/transitionWorkflowContract';
import { type HarnessOptions, runOrchestrator } from '../test/support/orchestrationHarness';
import { atMost, type BenchRow } from './benchRow';
import { measuredRow } from './runBench';

/**
 * History events per execution of the long waits (issue 9 item 5, issue 11 item 5; goal ≤ 200): a purchase that
 * waits 90 days with hourly reminders and hourly direct-sign polls, a purchase whose order Partner Center never
 * provisions (polled to the 48 h deadline), a transition whose product upgrade never ends (polled to its 48 h
 * deadline). Replayed with the orchestration harness, which counts the events the Durable extension records per
 * execution (2 per activity or timer, 1 per event, an episode per wake-up); the waits continue as new, so the figure
 * is the largest execution's, not the wait's total (in one execution the two 48 h waits wrote ~840 and ~2,360).
 */
export function measureHistoryRows(): BenchRow[] {
  const nothing = () => undefined;
  const pending = () => ({ outcome: 'done', value: { provisioned: false } });
  const invited: PurchaseInput = {
    version: purchaseInputVersion,
    purchaseId: 'bench-history',
    customerId: 'bench-customer',
    correlationId: 'bench',
    requestedBy: { userId: 'bench' },
    mca: { method: 'invite', email: 'bench@example.test', reminderEveryHours: 1, expiresInDays: 90 },
  };
  const attested: PurchaseInput = {
    ...invited,
    mca: {
      method: 'attest',
      primaryContact: { firstName: 'Bench', lastName: 'Contact', email: 'bench@example.test' },
      dateAgreed: '2026-01-01',
    },
  };
  const upgrading: TransitionInput = {
    version: transitionInputVersion,
    transitionId: 'bench-transition',
    customerId: 'bench-customer',
    correlationId: 'bench',
    requestedBy: { userId: 'bench' },
  };
  return [
    historyRow(
      'purchase.historyEventsPerExecution90DayHourlyInvitation',
      'history events per execution, 90-day hourly invitation (largest execution)',
      azurePlanPurchaseOrchestrator,
      invited,
      {
        [purchaseActivityNames.inviteCustomer]: nothing,
        [purchaseActivityNames.remindCustomer]: nothing,
        [purchaseActivityNames.closeInvitation]: nothing,
        [purchaseActivityNames.readSignature]: () => 'waiting',
      },
    ),
    historyRow(
      'purchase.historyEventsPerExecution48hProvisioning',
      'history events per execution, provisioning polled to its 48 h deadline (largest execution)',
      azurePlanPurchaseOrchestrator,
      attested,
      {
        [purchaseActivityNames.confirmMca]: () => ({
          outcome: 'done',
          value: { partnerCenterCustomerId: 'bench-pc', country: 'DE' },
        }),
        [purchaseActivityNames.createCart]: () => ({
          outcome: 'done',
          value: { cartId: 'bench-cart', catalogItemId: 'bench-catalog-item' },
        }),
        [purchaseActivityNames.checkout]: () => ({ outcome: 'done', value: { orderId: 'bench-order' } }),
        [purchaseActivityNames.readProvisioning]: pending,
        [purchaseActivityNames.releaseWorkInProgress]: nothing,
      },
    ),
    historyRow(
      'transition.historyEventsPerExecution48hUpgrade',
      'history events per execution, 0145P upgrade polled to its 48 h deadline (largest execution)',
      azurePlanTransitionOrchestrator,
      upgrading,
      {
        [transitionActivityNames.selectTransitionSources]: () => ({
          outcome: 'planned',
          sources: [
            {
              sourceSubscriptionId: 'bench-legacy',
              azureSubscriptionId: 'bench-azure',
              friendlyName: 'Bench',
            },
          ],
        }),
        [transitionActivityNames.startUpgrade]: () => ({ outcome: 'started', upgradeId: 'bench-upgrade' }),
        [transitionActivityNames.readUpgradeStatus]: () => ({ outcome: 'inProgress' }),
        [transitionActivityNames.releaseWorkInProgress]: nothing,
      },
    ),
  ];
}

/** Runs the orchestrator execution after execution (continue-as-new) until it ends, counting each one's history. */
function historyRow(
  id: string,
  label: string,
  orchestrator: OrchestrationHandler,
  input: unknown,
  activities: HarnessOptions['activities'],
): BenchRow {
  const perExecution: number[] = [];
  let next: unknown = input;
  let startTime = new Date('2026-01-01T00:00:00Z');
  for (let execution = 0; execution < 10_000; execution += 1) {
    const result = runOrchestrator(orchestrator, { input: next, startTime, activities });
    perExecution.push(result.historyEvents);
    if (result.continuedAsNew === undefined) break;
    next = result.continuedAsNew;
    startTime = result.now;
  }
  return measuredRow(
    {
      id,
      label,
      unit: 'events',
      values: [Math.max(...perExecution)],
      note: `${perExecution.length} executions (continue-as-new), ${perExecution.reduce((a, b) => a + b, 0)} events in all`,
    },
    (median) => atMost(200, median),
  );
}
