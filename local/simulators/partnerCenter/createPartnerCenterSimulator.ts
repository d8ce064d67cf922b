import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { z } from 'zod';

import { describeZodError } from './bodies';
import { createFaultDice, type FaultSettings, faultSettingsSchema } from './faults';
import {
  type CallContext,
  createPartnerCenterModel,
  defaultBehaviour,
  type PartnerCenterBehaviour,
  relationshipsToPartner,
  type Route,
} from './partnerCenterApi';
import { errorA, invalidInput, invalidToken, json, type SimResponse, tooManyRequests } from './responses';
import { openState } from './state';
import { createThrottle, publishedThrottleRules, type ThrottleRule, throttleRuleSchema } from './throttling';
import { agreementView, orderView } from './views';

export const PARTNER_CENTER_AUDIENCE = 'https://api.partnercenter.microsoft.com';

export type VerifyAccessToken = (
  token: string,
  expected: { audience: string },
) =>
  | { ok: true; claims: Record<string, unknown> }
  | { ok: false; reason: string }
  | Promise<{ ok: true; claims: Record<string, unknown> } | { ok: false; reason: string }>;

export interface PartnerCenterSimulatorOptions extends Partial<PartnerCenterBehaviour> {
  /** Throttling rules; default: the published limits (500/min per partner on orders and on subscriptions). */
  throttling?: ThrottleRule[];
  serverId?: string;
  /** Fault switches (`SIMULATOR_FAULTS`) and their shares, windows and seed; see faults.ts. Default: none. */
  faults?: z.input<typeof faultSettingsSchema>;
}

export interface PartnerCenterSimulatorInput {
  verifyAccessToken: VerifyAccessToken;
  /** The simulator's time; a test passes a virtual clock. `advanceClock` adds to it. */
  clock?: () => Date;
  /** Directory of the journal that keeps state across restarts; in memory when absent. */
  journal?: { directory: string };
  options?: PartnerCenterSimulatorOptions;
}

export const faultSchema = z.object({
  /** Route template (e.g. `POST /v1/customers/{customerId}/carts/{cartId}/checkout`) or `*` for any route. */
  route: z.string(),
  count: z.number().int().positive().default(1),
  /**
   * `status`: answer with `status` (default 500) and a shape-A body without doing anything.
   * `dropAfterCommit`: do the work (and journal it), then destroy the connection without answering.
   * `dropBeforeCommit`: destroy the connection without doing anything.
   */
  kind: z.enum(['status', 'dropAfterCommit', 'dropBeforeCommit']).default('status'),
  status: z.number().int().min(400).max(599).default(500),
  body: z.unknown().optional(),
});
export type Fault = z.input<typeof faultSchema>;

/** A customer Partner Center already has. No `id`: Partner Center assigns customer ids, and so does the simulator. */
const seedCustomerSchema = z.strictObject({
  country: z.string().regex(/^[A-Za-z]{2}$/),
  companyName: z.string().optional(),
  domain: z.string().optional(),
  directSigned: z.boolean().optional(),
  relationshipToPartner: z.enum(relationshipsToPartner).optional(),
  associatedPartnerId: z.string().min(1).optional(),
});

export interface PartnerCenterControls {
  seedCustomer(input: z.input<typeof seedCustomerSchema>): Record<string, unknown>;
  setDirectSigned(customerId: string, isSigned?: boolean): boolean;
  rotateAvailability(country: string): void;
  addAzureEntitlement(
    customerId: string,
    input?: { id?: string; friendlyName?: string },
  ): { ok: true; entitlement: Record<string, unknown> } | { ok: false; status: number; body: unknown };
  findAzurePlan(customerId: string): { subscriptionId: string; status: string } | undefined;
  /** Customers with an active Azure plan (what ARM lists under the billing account). */
  azurePlanCustomers(): { customerId: string; displayName: string }[];
  /** The customer's agreements of every type, as the create call answers them (with `userId`). */
  agreementsOf(customerId: string): Record<string, unknown>[];
  /** Every order of the customer as GET by id answers it (no list lag), for tests that check what was bought. */
  ordersOf(customerId: string): Record<string, unknown>[];
  seedLegacySubscription(
    customerId: string,
    input?: { azureSubscriptionId?: string; azureSubscriptionStatus?: 'active' | 'suspended' },
  ): Record<string, unknown> | undefined;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  setThrottling(rules: ThrottleRule[]): void;
  setBehaviour(partial: Partial<PartnerCenterBehaviour>): PartnerCenterBehaviour;
  /** Replaces the fault switches and settings (and restarts the seeded generator). */
  setFaults(settings: z.input<typeof faultSettingsSchema>): FaultSettings;
  faults(): FaultSettings;
  advanceClock(ms: number): Date;
  now(): Date;
  /** Calls per route and per status since the last reset; `throttledByRoute`: those answered 429 (not counted by the limits). */
  stats(): {
    total: number;
    byRoute: Record<string, number>;
    byStatus: Record<string, number>;
    throttledByRoute: Record<string, number>;
  };
  resetStats(): void;
  /** Forgets every customer, cart, order… (and the journal's content). */
  reset(): void;
}

export interface PartnerCenterSimulator {
  handler: http.RequestListener;
  start(input?: { port?: number; host?: string }): Promise<{ port: number; url: string }>;
  stop(): Promise<void>;
  controls: PartnerCenterControls;
}

interface CompiledRoute extends Route {
  name: string;
  segments: string[];
}

function compile(route: Route): CompiledRoute {
  return {
    ...route,
    name: `${route.method} ${route.template}`,
    segments: route.template.split('/').filter(Boolean),
  };
}

/** Literal segments match case-insensitively: the docs spell `azureEntitlements`/`azureentitlements` both ways. */
function match(route: CompiledRoute, method: string, parts: string[]): Record<string, string> | undefined {
  if (route.method !== method || route.segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let index = 0; index < parts.length; index += 1) {
    const segment = route.segments[index]!;
    const part = decodeURIComponent(parts[index]!);
    if (segment.startsWith('{')) params[segment.slice(1, -1)] = part;
    else if (segment.toLowerCase() !== part.toLowerCase()) return undefined;
  }
  return params;
}

function header(request: http.IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function decodeAudience(token: string): unknown {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      aud?: unknown;
    };
    return payload.aud;
  } catch {
    return undefined;
  }
}

/**
 * A local Partner Center REST API (see `local/simulators/README.md`): Partner Center's paths,
 * bodies, error shapes, headers, throttling and asynchrony, plus `/_sim/…` controls for tests and operators.
 */
export function createPartnerCenterSimulator(input: PartnerCenterSimulatorInput): PartnerCenterSimulator {
  const baseClock = input.clock ?? (() => new Date());
  let clockOffsetMs = 0;
  const now = () => new Date(baseClock().getTime() + clockOffsetMs);
  const {
    throttling,
    serverId = '030020344',
    faults: faultSettings,
    ...behaviourOverrides
  } = input.options ?? {};
  const behaviour: PartnerCenterBehaviour = { ...defaultBehaviour, ...behaviourOverrides };
  const state = openState(input.journal?.directory);
  const dice = createFaultDice(faultSettings);
  const model = createPartnerCenterModel(state, behaviour, dice);
  const routes = model.routes.map(compile);
  const throttle = createThrottle(throttling ?? publishedThrottleRules);
  let faults: z.infer<typeof faultSchema>[] = [];
  const noStats = () => ({
    total: 0,
    byRoute: {} as Record<string, number>,
    byStatus: {} as Record<string, number>,
    throttledByRoute: {} as Record<string, number>,
  });
  let stats = noStats();

  const controls: PartnerCenterControls = {
    seedCustomer(seed) {
      const parsed = seedCustomerSchema.parse(seed);
      return model.customerView(model.seedCustomer(parsed, now()));
    },
    setDirectSigned: (customerId, isSigned = true) => model.setDirectSigned(customerId, isSigned),
    rotateAvailability: (country) => model.rotateAvailability(country),
    addAzureEntitlement(customerId, entitlement = {}) {
      model.settle(now());
      const result = model.addAzureEntitlement(customerId, entitlement, now());
      return result.ok ? result : { ok: false, status: result.response.status, body: result.response.body };
    },
    findAzurePlan(customerId) {
      model.settle(now());
      return model.findAzurePlan(customerId);
    },
    azurePlanCustomers() {
      model.settle(now());
      return state
        .all('customers')
        .filter((customer) => model.findAzurePlan(customer.id)?.status === 'active')
        .map((customer) => ({ customerId: customer.id, displayName: customer.companyName }));
    },
    agreementsOf: (customerId) =>
      state
        .all('agreements')
        .filter((agreement) => agreement.customerId === customerId)
        .map((agreement) => agreementView(agreement, true)),
    ordersOf(customerId) {
      model.settle(now());
      return state
        .all('orders')
        .filter((order) => order.customerId === customerId.toLowerCase())
        .map((order) => orderView(order));
    },
    seedLegacySubscription: (customerId, legacy = {}) =>
      model.seedLegacySubscription(customerId, legacy, now()),
    injectFault: (fault) => faults.push(faultSchema.parse(fault)),
    clearFaults: () => {
      faults = [];
    },
    setThrottling: (rules) => throttle.setRules(z.array(throttleRuleSchema).parse(rules)),
    setBehaviour: (partial) => Object.assign(behaviour, partial),
    setFaults: (settings) => dice.replace(settings),
    faults: () => structuredClone(dice.settings()),
    advanceClock(ms) {
      clockOffsetMs += ms;
      model.settle(now());
      return now();
    },
    now,
    stats: () => structuredClone(stats),
    resetStats() {
      stats = noStats();
    },
    reset() {
      state.clear();
      faults = [];
      stats = noStats();
    },
  };

  function takeFault(routeName: string): z.infer<typeof faultSchema> | undefined {
    const index = faults.findIndex((fault) => fault.route === '*' || fault.route === routeName);
    if (index < 0) return undefined;
    const fault = faults[index]!;
    fault.count -= 1;
    if (fault.count <= 0) faults.splice(index, 1);
    return fault;
  }

  async function authenticate(
    request: http.IncomingMessage,
    route: CompiledRoute,
  ): Promise<{ claims: Record<string, unknown> } | SimResponse> {
    const authorization = header(request, 'authorization') ?? '';
    const token = /^Bearer\s+(.+)$/i.exec(authorization)?.[1];
    if (!token) return invalidToken('no bearer token');
    const verdict = await input.verifyAccessToken(token, { audience: PARTNER_CENTER_AUDIENCE });
    if (!verdict.ok) {
      const audience = decodeAudience(token);
      if (typeof audience === 'string' && audience !== PARTNER_CENTER_AUDIENCE) {
        // The retired AAD Graph audience (and any other) is refused with a string code (§0.1-7).
        return json(401, {
          code: '900420',
          description: `The audience '${audience}' in the token is invalid and is no longer supported in Partner Center API`,
          data: [],
          source: 'PartnerFD',
        });
      }
      return invalidToken(verdict.reason);
    }
    const claims = verdict.claims;
    const appUser = typeof claims.scp === 'string' && claims.scp.split(' ').includes('user_impersonation');
    if (appUser) {
      const amr = Array.isArray(claims.amr) ? claims.amr : [];
      if (!amr.includes('mfa')) return invalidToken();
    } else if (route.appUserOnly) {
      return errorA(
        403,
        900316,
        "This resource can't be accessed by application credentials. Call it with an App+User token.",
      );
    }
    return { claims };
  }

  async function dispatch(
    request: http.IncomingMessage,
  ): Promise<{ response: SimResponse | 'drop'; routeName: string }> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = (request.method ?? 'GET').toUpperCase();
    const parts = url.pathname.split('/').filter(Boolean);
    const rawBody = await readBody(request);

    if (parts[0] === '_sim') return { response: control(method, parts.slice(1), rawBody), routeName: '_sim' };

    let route: CompiledRoute | undefined;
    let params: Record<string, string> | undefined;
    for (const candidate of routes) {
      params = match(candidate, method, parts);
      if (params) {
        route = candidate;
        break;
      }
    }
    if (!route || !params)
      return {
        response: errorA(404, 0, `No Partner Center route ${method} ${url.pathname}.`),
        routeName: 'unmatched',
      };

    const auth = await authenticate(request, route);
    if (!('claims' in auth)) return { response: auth, routeName: route.name };
    const partnerTenantId = typeof auth.claims.tid === 'string' ? auth.claims.tid : 'unknown-partner';
    const at = now();
    const wait = throttle.admit({
      resource: route.resource,
      partnerTenantId,
      customerId: params.customerId?.toLowerCase(),
      nowMs: at.getTime(),
    });
    if (wait !== undefined) return { response: tooManyRequests(wait), routeName: route.name };
    const switched = dice.settings();
    if (dice.hit('throttle', switched.throttleShare)) {
      return { response: tooManyRequests(switched.throttleRetryAfterSeconds), routeName: route.name };
    }

    const fault =
      takeFault(route.name) ??
      (dice.hit('outage', switched.outageShare)
        ? faultSchema.parse({
            route: route.name,
            kind: dice.pick(['status', 'dropBeforeCommit', 'dropAfterCommit'] as const),
            status: 503,
          })
        : undefined);
    if (fault?.kind === 'dropBeforeCommit') return { response: 'drop', routeName: route.name };
    if (fault?.kind === 'status') {
      const body = fault.body ?? {
        code: 3000,
        description: 'Service unavailable (injected fault).',
        data: [],
        source: 'PartnerFD',
      };
      return { response: json(fault.status, body), routeName: route.name };
    }

    let body: unknown;
    if (rawBody.trim() !== '') {
      try {
        body = JSON.parse(rawBody);
      } catch {
        if (!route.bodyIgnored) {
          return { response: invalidInput('The request body is not valid JSON.'), routeName: route.name };
        }
      }
    }
    state.atomically(() => model.settle(at));
    const call: CallContext = {
      params,
      query: url.searchParams,
      body,
      headers: request.headers,
      userId: typeof auth.claims.oid === 'string' ? auth.claims.oid : undefined,
      now: at,
    };
    // One journal record per call: a crash never keeps half of what one call did.
    const response = state.atomically(() => route.handle(call));
    return { response: fault?.kind === 'dropAfterCommit' ? 'drop' : response, routeName: route.name };
  }

  function control(method: string, parts: string[], rawBody: string): SimResponse {
    let body: unknown = {};
    try {
      body = rawBody.trim() === '' ? {} : JSON.parse(rawBody);
    } catch {
      return invalidInput('The control body is not valid JSON.');
    }
    const path = `${method} /${parts.join('/')}`;
    try {
      if (path === 'POST /customers')
        return json(201, controls.seedCustomer(body as z.input<typeof seedCustomerSchema>));
      if (method === 'POST' && parts[0] === 'customers' && parts[2] === 'direct-sign' && parts.length === 3) {
        const { isSigned } = z.object({ isSigned: z.boolean().default(true) }).parse(body);
        return controls.setDirectSigned(parts[1]!, isSigned)
          ? json(200, { isSigned })
          : errorA(404, 0, 'No such customer.');
      }
      if (
        method === 'POST' &&
        parts[0] === 'customers' &&
        parts[2] === 'azureEntitlements' &&
        parts.length === 3
      ) {
        const input = z
          .object({ id: z.string().optional(), friendlyName: z.string().optional() })
          .parse(body);
        const result = controls.addAzureEntitlement(parts[1]!, input);
        return result.ok ? json(201, result.entitlement) : json(result.status, result.body);
      }
      if (method === 'GET' && parts[0] === 'customers' && parts[2] === 'azurePlan' && parts.length === 3) {
        const plan = controls.findAzurePlan(parts[1]!);
        return plan ? json(200, plan) : errorA(404, 0, 'The customer has no Azure plan.');
      }
      if (
        method === 'POST' &&
        parts[0] === 'customers' &&
        parts[2] === 'legacySubscriptions' &&
        parts.length === 3
      ) {
        const input = z
          .object({
            azureSubscriptionId: z.string().optional(),
            azureSubscriptionStatus: z.enum(['active', 'suspended']).optional(),
          })
          .parse(body);
        const created = controls.seedLegacySubscription(parts[1]!, input);
        return created ? json(201, created) : errorA(404, 0, 'No such customer.');
      }
      if (path === 'POST /catalog/rotate') {
        const { country } = z.object({ country: z.string().regex(/^[A-Za-z]{2}$/) }).parse(body);
        controls.rotateAvailability(country);
        return { status: 204 };
      }
      if (path === 'POST /faults') {
        controls.injectFault(body as Fault);
        return { status: 204 };
      }
      if (path === 'DELETE /faults') {
        controls.clearFaults();
        return { status: 204 };
      }
      if (path === 'PUT /throttling') {
        controls.setThrottling(z.object({ rules: z.array(throttleRuleSchema) }).parse(body).rules);
        return { status: 204 };
      }
      if (path === 'GET /throttling') return json(200, { rules: throttle.rules() });
      if (path === 'PATCH /behaviour')
        return json(200, controls.setBehaviour(behaviourPatchSchema.parse(body)));
      if (path === 'GET /behaviour') return json(200, behaviour);
      if (path === 'PUT /fault-switches')
        return json(200, controls.setFaults(faultSettingsSchema.parse(body)));
      if (path === 'GET /fault-switches') return json(200, controls.faults());
      if (path === 'POST /clock') {
        const { advanceMs } = z.object({ advanceMs: z.number().nonnegative() }).parse(body);
        return json(200, { now: controls.advanceClock(advanceMs).toISOString() });
      }
      if (path === 'GET /clock') return json(200, { now: now().toISOString() });
      if (path === 'GET /stats') return json(200, controls.stats());
      if (path === 'POST /stats/reset' || path === 'DELETE /stats') {
        controls.resetStats();
        return { status: 204 };
      }
      if (path === 'POST /reset') {
        controls.reset();
        return { status: 204 };
      }
    } catch (error) {
      if (error instanceof z.ZodError) return invalidInput(describeZodError(error));
      throw error;
    }
    return errorA(404, 0, `No simulator control ${path}.`);
  }

  const handler: http.RequestListener = (request, response) => {
    const requestId = header(request, 'ms-requestid') ?? randomUUID();
    const correlationId = header(request, 'ms-correlationid') ?? randomUUID();
    dispatch(request)
      .then(({ response: answer, routeName }) => {
        if (routeName !== '_sim') {
          stats.total += 1;
          stats.byRoute[routeName] = (stats.byRoute[routeName] ?? 0) + 1;
          const status = answer === 'drop' ? 'dropped' : String(answer.status);
          stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
          if (status === '429')
            stats.throttledByRoute[routeName] = (stats.throttledByRoute[routeName] ?? 0) + 1;
        }
        if (answer === 'drop') {
          request.socket.destroy();
          return;
        }
        const headers: Record<string, string> = {
          'MS-RequestId': requestId,
          'MS-CorrelationId': correlationId,
          'MS-CV': `${randomBytes(12).toString('base64')}.0`,
          'MS-ServerId': serverId,
          ...answer.headers,
        };
        if (answer.body === undefined) {
          response.writeHead(answer.status, { ...headers, 'Content-Length': '0' });
          response.end();
          return;
        }
        const text = JSON.stringify(answer.body);
        response.writeHead(answer.status, {
          ...headers,
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': String(Buffer.byteLength(text)),
        });
        response.end(text);
      })
      .catch((error: unknown) => {
        const text = JSON.stringify({
          code: 3000,
          description: `Simulator error: ${error instanceof Error ? error.message : String(error)}`,
          data: [],
          source: 'PartnerFD',
        });
        if (!response.headersSent)
          response.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' });
        response.end(text);
      });
  };

  let server: http.Server | undefined;

  return {
    handler,
    controls,
    async start({ port = 0, host = '127.0.0.1' } = {}) {
      const listening = http.createServer(handler);
      server = listening;
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(port, host, () => resolve());
      });
      const actual = (listening.address() as AddressInfo).port;
      return { port: actual, url: `http://${host}:${actual}` };
    },
    async stop() {
      const running = server;
      server = undefined;
      if (running) {
        running.closeAllConnections();
        await new Promise<void>((resolve) => running.close(() => resolve()));
      }
      state.close();
    },
  };
}

const behaviourPatchSchema = z
  .object({
    provisioningDelayMs: z.number().nonnegative(),
    orderListDelayMs: z.number().nonnegative(),
    entitlementCancelDelayMs: z.number().nonnegative(),
    registrationDelayMs: z.number().nonnegative(),
    upgradeDelayMs: z.number().nonnegative(),
    checkoutInProgressMs: z.number().nonnegative(),
    cartLifetimeMs: z.number().positive(),
    mcaMissingAs: z.enum(['error', 'orderErrors']),
    checkoutReplay: z.enum(['reiterate', 'legacy800065']),
    sandbox: z.boolean(),
    entitlementPageSize: z.number().int().positive(),
    partnerEnrolledAt: z.iso.datetime({ offset: true }),
  })
  .partial()
  .strict();
