/**
 * `@azure-plan-local/functions-host`: the local Functions host (README.md in this folder). This file is its whole
 * public API: scripts, tests and the bench import from here, never from a file inside (eslint enforces it).
 */
export { RealClock, VirtualClock } from './clock';
export { applyLocalSettings, type LocalSettingsResult } from './config/applyLocalSettings';
export type { HostClock, HostLogger, WorkTracker } from './contracts';
export { createClientBinding, type DurableClientBinding } from './durable/createClientBinding';
export { runDurableCli } from './durable/durableCli';
export { journalFile } from './durable/durableJournal';
export type { SiteHandler } from './http/createFrontDoor';
export { consoleLogger, silentLogger } from './loggers';
export {
  type LocalHost,
  type LocalHostDurable,
  type LocalHostOptions,
  startLocalHost,
} from './startLocalHost';
export { installCoreModule } from './worker/installCoreModule';
