export {
  availabilityId,
  AZURE_PLAN_PRODUCT_ID,
  LEGACY_AZURE_OFFER_ID,
  RESERVATION_PRODUCT_ID,
} from './catalog';
export {
  createPartnerCenterSimulator,
  type Fault,
  PARTNER_CENTER_AUDIENCE,
  type PartnerCenterControls,
  type PartnerCenterSimulator,
  type PartnerCenterSimulatorInput,
  type PartnerCenterSimulatorOptions,
  type VerifyAccessToken,
} from './createPartnerCenterSimulator';
export { type FaultSettings, type FaultSwitch, faultSwitchNames, parseFaultSwitches } from './faults';
export {
  CLOUD_AGREEMENT_TEMPLATE_ID,
  defaultBehaviour,
  MCA_TEMPLATE_ID,
  type PartnerCenterBehaviour,
} from './partnerCenterApi';
export { publishedThrottleRules, type ThrottleRule } from './throttling';
