'use strict';
/**
 * Triggers and bindings the local host does not run, for test/local-host/unsupportedBindings.test.ts. Registered
 * only when FX_UNSUPPORTED=1, so other tests' start-up logs stay quiet.
 */
const { app, input, output } = require('@azure/functions');
const { record } = require('../lib/recorder');

if (process.env.FX_UNSUPPORTED === '1') {
  app.storageBlob('fxBlobTriggered', {
    path: 'fx-blobs/{name}',
    connection: 'AzureWebJobsStorage',
    handler: () => record('fxBlobTriggered', {}),
  });

  const cosmosOutput = output.cosmosDB({
    databaseName: 'fx',
    containerName: 'items',
    connection: 'FX_COSMOS',
    createIfNotExists: true,
  });
  const blobInput = input.storageBlob({ path: 'fx-blobs/settings.json', connection: 'AzureWebJobsStorage' });

  /** Sets its Cosmos DB output only with ?set=1. */
  app.http('fxCosmosOutput', {
    route: 'cosmos-output',
    methods: ['POST'],
    extraOutputs: [cosmosOutput],
    handler: (request, context) => {
      const set = request.query.get('set') === '1';
      record('fxCosmosOutput', { set });
      if (set) {
        context.extraOutputs.set(cosmosOutput, { id: 'written', value: 1 });
      }
      return { status: 200, body: 'handled' };
    },
  });

  /** Reads a blob input the host cannot provide: the invocation fails before the handler runs. */
  app.http('fxBlobInput', {
    route: 'blob-input',
    methods: ['GET'],
    extraInputs: [blobInput],
    handler: (request, context) => {
      const settings = context.extraInputs.get(blobInput);
      record('fxBlobInput', { settings: settings ?? null });
      return { status: settings === undefined ? 404 : 200, body: 'handled' };
    },
  });
}
