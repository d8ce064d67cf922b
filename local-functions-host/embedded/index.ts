/** The stores `npm start` and the tests run locally: Azurite (child process) and the Cosmos DB server (in process). */
export { findFreePorts } from './findFreePorts';
export { isPortOpen } from './isPortOpen';
export { type AzuriteOptions, type AzuriteService, type EmbeddedAzurite, startAzurite } from './startAzurite';
export { cosmosEmulatorKey, type EmbeddedCosmosServer, startCosmosServer } from './startCosmosServer';
