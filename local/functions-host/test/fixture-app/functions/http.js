'use strict';
/**
 * HTTP triggers and hooks for the local host's conformance tests (test/local-host/http.test.ts).
 * Plain CommonJS requiring @azure/functions, like the built app in dist/.
 */
const { app, HttpResponse } = require('@azure/functions');
const { record } = require('../lib/recorder');

/** Everything the host handed the function, so tests can compare it with what they sent. */
async function describeRequest(request, context) {
  const body = await request.text();
  return {
    jsonBody: {
      functionName: context.functionName,
      method: request.method,
      url: request.url,
      params: request.params,
      query: Object.fromEntries(request.query.entries()),
      headers: Object.fromEntries(request.headers.entries()),
      body,
    },
  };
}

app.http('echo', {
  route: 'echo/{*rest}',
  methods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
  handler: describeRequest,
});
app.http('itemById', { route: 'items/{id:int}', methods: ['GET'], handler: describeRequest });
app.http('userByName', { route: 'users/{name}', methods: ['GET'], handler: describeRequest });
app.http('currentUser', { route: 'users/me', methods: ['GET'], handler: describeRequest });
app.http('docs', { route: 'docs/{slug?}', methods: ['GET'], handler: describeRequest });
app.http('byGuid', { route: 'things/{id:guid}', methods: ['GET'], handler: describeRequest });
app.http('byAlpha', { route: 'letters/{word:alpha}', methods: ['GET'], handler: describeRequest });
app.http('byCode', { route: 'codes/{code:regex(^[A-Z]{{3}}$)}', methods: ['GET'], handler: describeRequest });
app.http('byRange', { route: 'pages/{n:int:range(1,10)}', methods: ['GET'], handler: describeRequest });
app.http('onlyPost', { route: 'only-post', methods: ['POST'], handler: describeRequest });
/** No route: the default route is the function name. */
app.http('defaultRoute', { methods: ['GET'], handler: describeRequest });

app.http('responseMapping', {
  route: 'response-mapping',
  methods: ['GET'],
  handler: () =>
    new HttpResponse({
      status: 418,
      headers: { 'x-custom': 'teapot', 'content-type': 'text/plain; charset=utf-8' },
      body: 'short and stout',
      cookies: [
        {
          name: 'session',
          value: 'abc 123',
          path: '/api',
          httpOnly: true,
          secure: true,
          sameSite: 'Strict',
          maxAge: 60,
        },
        { name: 'theme', value: 'dark', expires: new Date(Date.UTC(2030, 0, 2, 3, 4, 5)), sameSite: 'None' },
      ],
    }),
});
app.http('jsonBody', {
  route: 'json-body',
  methods: ['GET'],
  handler: () => ({ status: 201, jsonBody: { ok: true, list: [1, 2] } }),
});
app.http('binaryBody', {
  route: 'binary-body',
  methods: ['GET'],
  handler: () => ({
    body: new Uint8Array([0, 1, 2, 253, 254, 255]),
    headers: { 'content-type': 'application/octet-stream' },
  }),
});
app.http('nothing', { route: 'nothing', methods: ['GET', 'POST'], handler: () => undefined });
app.http('boom', {
  route: 'boom',
  methods: ['GET'],
  handler: () => {
    throw new Error('the handler blew up');
  },
});

app.http('logs', {
  route: 'logs',
  methods: ['GET'],
  handler: (_request, context) => {
    context.log('plain user log');
    context.warn('a warning with a secret=hunter2');
    return { body: 'logged' };
  },
});

/** Takes a while, so a test can call waitForIdle() while it runs. */
app.http('slow', {
  route: 'slow',
  methods: ['GET'],
  handler: async () => {
    record('slowStarted', {});
    await new Promise((resolve) => setTimeout(resolve, 300));
    record('slowDone', {});
    return { body: 'done' };
  },
});

/** Its handler is replaced by a preInvocation hook; reaching the original is a failure. */
app.http('hookReplaced', {
  route: 'hook-replaced',
  methods: ['GET'],
  handler: () => ({ status: 500, body: 'original handler ran' }),
});

app.hook.appStart((context) => {
  context.hookData.startedAt = Date.now();
  record('appStart', { hookDataKeys: Object.keys(context.hookData) });
});

app.hook.appTerminate((context) => {
  record('appTerminate', { startedAtSeen: typeof context.hookData.startedAt === 'number' });
});

app.hook.preInvocation((context) => {
  context.hookData.preRan = true;
  record('preInvocation', { functionName: context.invocationContext.functionName });
  if (context.invocationContext.functionName === 'hookReplaced') {
    context.functionHandler = () => ({ status: 200, body: 'replaced by preInvocation hook' });
  }
});

app.hook.postInvocation((context) => {
  record('postInvocation', {
    functionName: context.invocationContext.functionName,
    preRan: context.hookData.preRan === true,
    error: context.error ? String(context.error.message || context.error) : null,
    hasResult: context.result !== undefined && context.result !== null,
  });
});

app.hook.log((context) => {
  if (context.category === 'user' && context.message.includes('secret=')) {
    context.message = context.message.replace(/secret=\S+/, 'secret=[redacted]');
  }
});
