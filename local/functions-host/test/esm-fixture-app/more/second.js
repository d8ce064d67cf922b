// "type": "module" makes this .js file an ES module too; the `main` glob has two patterns.
import { app } from '@azure/functions';

app.http('esmSecond', { route: 'second', methods: ['GET'], handler: () => ({ body: 'second entry point' }) });
