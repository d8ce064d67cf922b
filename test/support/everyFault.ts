/**
 * Every Partner Center fault switch of the simulator on at once (docs/partner-center.md, "Fault switches"), with the
 * shares and windows the all-faults tests run under: one definition, so both runs meet the same bad day.
 */
import { type TestService } from './service';

const minute = 60_000;

export const everyFault: Parameters<TestService['partnerCenter']['setFaults']>[0] = {
  switches: [
    'checkoutInProgress',
    'checkoutAlreadySubmitted',
    'orderListLag',
    'throttle',
    'outage',
    'provisioningHeld',
    'orderCancelled',
  ],
  seed: 15,
  throttleShare: 0.1,
  // Longer than the gateway waits in a call: the workflow waits it on a durable timer (virtual time).
  throttleRetryAfterSeconds: 30,
  outageShare: 0.05,
  inProgressMs: 2 * minute,
  listLagMs: 10 * minute,
  heldShare: 0.3,
  heldMs: 2 * 60 * minute,
  cancelledShare: 0.2,
};
