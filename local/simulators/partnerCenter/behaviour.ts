/** How the simulated Partner Center behaves where the docs leave room (delays, variants, sandbox limits). */
export interface PartnerCenterBehaviour {
  /** Checkout → order `completed` with subscription ids. Undocumented in the docs; 30 s by default. */
  provisioningDelayMs: number;
  /** How long a new order stays out of the order list (GET by id is not delayed). Docs: "up to 15 minutes". */
  orderListDelayMs: number;
  /** Cancelled Azure entitlement `active` → `inactive`. Docs: "about 10 mins". */
  entitlementCancelDelayMs: number;
  registrationDelayMs: number;
  upgradeDelayMs: number;
  /** After a checkout commits, further checkouts of that cart get 409 800064 for this long. */
  checkoutInProgressMs: number;
  cartLifetimeMs: number;
  /** Where 13605 (no MCA) surfaces: a 403 error body, or an `orderErrors` entry in a 201. */
  mcaMissingAs: 'error' | 'orderErrors';
  /** A second checkout of an ordered cart: re-iterate the first result (current docs) or legacy 400 800065. */
  checkoutReplay: 'reiterate' | 'legacy800065';
  /** Integration-sandbox limits (§6): 10 Azure plans per partner, 3 Azure subscriptions per plan. */
  sandbox: boolean;
  entitlementPageSize: number;
  /**
   * When the partner enrolled in CSP. Partners enrolled on or after 21 July 2021 can't add Microsoft Azure
   * (MS-AZR-0145P) at all (mission-anchors §2.1, "0145P eligibility"): the cart line gets 500600. The other half of
   * that rule (older partners, customers enrolled after that date) is not modelled: simulated customers carry no
   * enrolment date.
   */
  partnerEnrolledAt: string;
}

/** The day from which newly enrolled partners can no longer add 0145P (mission-anchors §2.1). */
export const LEGACY_OFFER_CUTOFF = '2021-07-21T00:00:00Z';

export const defaultBehaviour: PartnerCenterBehaviour = {
  provisioningDelayMs: 30_000,
  orderListDelayMs: 15 * 60_000,
  entitlementCancelDelayMs: 10 * 60_000,
  registrationDelayMs: 60_000,
  upgradeDelayMs: 60_000,
  checkoutInProgressMs: 0,
  cartLifetimeMs: 7 * 24 * 3_600_000,
  mcaMissingAs: 'error',
  checkoutReplay: 'reiterate',
  sandbox: false,
  entitlementPageSize: 50,
  partnerEnrolledAt: '2019-01-01T00:00:00Z',
};
