import { azurePlanPurchaseOrchestrator } from '../orchestrations/azurePlanPurchase/azurePlanPurchaseOrchestrator';
import { purchaseActivities, type PurchaseInput } from '../shared/purchases/purchaseWorkflowContract';
import { runOrchestrator } from '../test/support/orchestrationHarness';
import { atMost, type BenchRow } from './benchRow';
import { measuredRow } from './runBench';

/**
 * History events per execution of a purchase that waits 90 days with hourly reminders and hourly direct-sign polls
 * (issue 9 item 5, goal ≤ 200). Replayed with the orchestration harness, which counts the events the Durable
 * extension records per execution (2 per activity or timer, 1 per event, an episode per wake-up); every round
 * continues as new, so the figure is the largest execution's, not the wait's total.
 */
export function measureHistoryRows(): BenchRow[] {
  const input: PurchaseInput = {
    purchaseId: 'bench-history',
    customerId: 'bench-customer',
    correlationId: 'bench',
    requestedBy: { userId: 'bench' },
    mca: { method: 'invite', email: 'bench@example.test', reminderEveryHours: 1, expiresInDays: 90 },
  };
  const nothing = () => undefined;
  const perExecution: number[] = [];
  let next: unknown = input;
  let startTime = new Date('2026-01-01T00:00:00Z');
  for (let execution = 0; execution < 10_000; execution += 1) {
    const result = runOrchestrator(azurePlanPurchaseOrchestrator, {
      input: next,
      startTime,
      activities: {
        [purchaseActivities.inviteCustomer]: nothing,
        [purchaseActivities.remindCustomer]: nothing,
        [purchaseActivities.closeInvitation]: nothing,
        [purchaseActivities.readSignature]: () => 'waiting',
      },
    });
    perExecution.push(result.historyEvents);
    if (result.continuedAsNew === undefined) break;
    next = result.continuedAsNew;
    startTime = result.now;
  }
  const largest = Math.max(...perExecution);
  return [
    measuredRow(
      {
        id: 'purchase.historyEventsPerExecution90DayHourlyInvitation',
        label: 'history events per execution, 90-day hourly invitation (largest execution)',
        unit: 'events',
        values: [largest],
        note: `${perExecution.length} executions (continue-as-new per round), ${perExecution.reduce((a, b) => a + b, 0)} events in all`,
      },
      (median) => atMost(200, median),
    ),
  ];
}
