/**
 * `@azure-plan-local/simulators`: local stand-ins for the Microsoft services the app calls (Entra ID's token
 * endpoints, Partner Center's REST API, Azure Resource Manager's subscription aliases). README.md in this folder
 * says what each simulates and where it refuses. This file is the package's whole public API.
 */
export {
  armAudience,
  type ArmSimulator,
  type ArmSimulatorOptions,
  createArmSimulator,
} from './azureResourceManager/createArmSimulator';
export {
  createIdentitySimulator,
  identityCaFile,
  type IdentitySimulator,
  type IdentitySimulatorOptions,
} from './identity/createIdentitySimulator';
export {
  createPartnerCenterSimulator,
  type FaultSwitch,
  faultSwitchNames,
  parseFaultSwitches,
  type PartnerCenterSimulator,
  type PartnerCenterSimulatorOptions,
  publishedThrottleRules,
  type ThrottleRule,
} from './partnerCenter';
export { createThrottle, type Throttle } from './partnerCenter/throttling';
export { type RunningSimulators, startSimulators, type StartSimulatorsOptions } from './startSimulators';
