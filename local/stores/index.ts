/**
 * `@azure-plan-local/stores`: the stores `npm start` and the tests run locally (Azurite as a child process, the
 * Cosmos DB server in process) and the append-only journal every local store, simulator and the durable engine
 * keep their state in. Nothing else of this folder is public.
 */
export { devStorageConnectionString, devStoreAccountKey } from './devStorageConnectionString';
export { findFreePorts } from './findFreePorts';
export { isPortOpen } from './isPortOpen';
export { type Journal, type JournalOptions, openJournal, readJournal } from './openJournal';
export { type AzuriteOptions, type AzuriteService, type EmbeddedAzurite, startAzurite } from './startAzurite';
export {
  cosmosEmulatorKey,
  type CosmosServerOptions,
  type EmbeddedCosmosServer,
  startCosmosServer,
} from './startCosmosServer';
