/** Run by cosmosServer.test.ts as a process of its own, so the test can `kill -9` it: a Cosmos server on disk. */
import { startCosmosServer } from '../startCosmosServer';

const [directory] = process.argv.slice(2);
void startCosmosServer({ persistDirectory: directory }).then((server) => {
  process.stdout.write(`port ${server.port}\n`);
});
