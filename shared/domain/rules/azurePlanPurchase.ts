import { z } from 'zod';

import { invitationDefaults, type McaOption } from '../api/azurePlanPurchase';
import { contactSchema, type CustomerDocument, type WorkInProgress } from '../documents/documents';
import { AppError } from '../errors';
import { assertDateAgreedNotInFuture } from './mcaAgreement';

/** What the purchase will do about the MCA, decided before it starts. */
export const mcaDecisionSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('alreadyAccepted') }),
  z.object({ method: z.literal('attest'), primaryContact: contactSchema, dateAgreed: z.string() }),
  z.object({
    method: z.literal('invite'),
    email: z.string(),
    reminderEveryHours: z.number().positive(),
    expiresInDays: z.number().positive(),
  }),
]);
export type McaDecision = z.infer<typeof mcaDecisionSchema>;

/**
 * The checks on the customer, in the contract's order: country (800070), no Azure plan yet, no 0145P
 * subscription (those customers transition instead).
 */
export function assertCustomerMayBuyAzurePlan(
  customer: CustomerDocument,
  azurePlanMarkets: ReadonlySet<string>,
): void {
  if (!azurePlanMarkets.has(customer.country)) {
    throw new AppError(
      'CountryNotAvailable',
      `The Azure plan is not sold in ${customer.country}, the country of customer ${customer.customerId}.`,
    );
  }
  if (customer.azurePlan !== null) {
    throw new AppError(
      'AzurePlanAlreadyExists',
      `Customer ${customer.customerId} already has the Azure plan ${customer.azurePlan.subscriptionId}.`,
    );
  }
  if (customer.legacySubscriptionIds.length > 0) {
    throw new AppError(
      'LegacySubscriptionRequiresTransition',
      `Customer ${customer.customerId} has Microsoft Azure (0145P) subscriptions; transition them to the Azure plan instead.`,
    );
  }
}

/**
 * The MCA must be accepted already, or the request says how to get it: attest (not for an indirect reseller's
 * customer: its indirect provider attests) or invite. An invitation to a customer that has accepted already is
 * not needed, so that purchase goes straight to the order.
 */
export function decideMca(customer: CustomerDocument, mca: McaOption | undefined, now: Date): McaDecision {
  if (mca?.method === 'attest') {
    if (customer.relationship === 'indirectReseller') {
      throw new AppError(
        'ResellerCannotAttest',
        `Customer ${customer.customerId} is served by an indirect reseller; its indirect provider must confirm the acceptance.`,
      );
    }
    assertDateAgreedNotInFuture(mca.dateAgreed, now, '/mca/dateAgreed');
    return { method: 'attest', primaryContact: mca.primaryContact, dateAgreed: mca.dateAgreed };
  }
  if (customer.mca.accepted) return { method: 'alreadyAccepted' };
  if (mca?.method === 'invite') {
    return {
      method: 'invite',
      email: mca.email ?? customer.primaryContact.email,
      reminderEveryHours: mca.reminderEveryHours ?? invitationDefaults.reminderEveryHours,
      expiresInDays: mca.expiresInDays ?? invitationDefaults.expiresInDays,
    };
  }
  throw new AppError(
    'McaNotAccepted',
    `Customer ${customer.customerId} has not accepted the Microsoft Customer Agreement: attest it or invite the customer (mca option).`,
  );
}

/** What the durable client knows about the purchase that holds a customer's work in progress. */
export type WorkInProgressHolderState = 'running' | 'finished' | 'unknown';

/** A work in progress whose holder has not appeared in the durable store after this long was never started (a crash). */
export const unstartedWorkGraceMs = 2 * 60_000;

/**
 * Whether another purchase's hold on the customer's work in progress may be taken over: its orchestration
 * ended without releasing it (terminated, crashed), or it never started. A holder unknown to the durable client
 * is given a grace period, because the starter claims the work in progress just before it starts the orchestration.
 */
export function isWorkInProgressStale(
  workInProgress: WorkInProgress,
  holder: WorkInProgressHolderState,
  now: Date,
): boolean {
  if (holder === 'finished') return true;
  if (holder === 'running') return false;
  return now.getTime() - Date.parse(workInProgress.startedAt) > unstartedWorkGraceMs;
}

/** The customer's work in progress is held: says by what (a purchase, a transition), or that the claim kept losing. */
export function orderInProgress(
  customerId: string,
  holder: Pick<WorkInProgress, 'id' | 'kind'> | undefined,
): AppError {
  if (holder === undefined) {
    return new AppError(
      'OrderInProgress',
      `Another purchase or transition of customer ${customerId} started at the same time; try again once it ends.`,
    );
  }
  const detail = {
    purchase: `Purchase ${holder.id} of customer ${customerId} is still running; wait for it or cancel it.`,
    transition: `Transition ${holder.id} of customer ${customerId} to the Azure plan is still running; wait for it to end.`,
  };
  return new AppError('OrderInProgress', detail[holder.kind]);
}
