// An ES module importing the CommonJS @azure/functions: its require of @azure/functions-core must still be hooked.
import { app } from '@azure/functions';

app.http('esmHello', {
  route: 'hello/{name:alpha}',
  methods: ['GET'],
  handler: (request) => ({ jsonBody: { hello: request.params.name, module: typeof import.meta.url } }),
});
