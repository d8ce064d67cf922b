import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';

import { type Journal, openJournal } from '@azure-plan-local/stores';
import { z } from 'zod';

import {
  closeServer,
  createCallCounter,
  listenOnLoopback,
  parseJsonBody,
  readRequestBody,
  sendJson,
  type SimulatorClock,
} from '../simulatorHttp';
import { createArmTraffic, defaultThrottling, type Fault, type ThrottlingSettings } from './armTraffic';

/**
 * # The Azure Resource Manager stand-in: the subscription alias API for CSP customers
 *
 * `PUT /providers/Microsoft.Subscription/aliases/{aliasName}?api-version=2021-10-01` with
 * `{ properties: { displayName, billingScope, workload, resellerId? } }` (`resellerId`: indirect providers), billingScope
 * `/providers/Microsoft.Billing/billingAccounts/{billingAccountName}/customers/{customerId}` (reference doc §3.10).
 * The alias name is the idempotency key: the same PUT again answers the alias as it now is (201 while
 * `Accepted`, 200 once `Succeeded`); a PUT of the same name with other properties is refused (409). The new
 * subscription id is fixed at the first PUT (the docs' `Accepted` example already carries one). After
 * `provisioningDelaySeconds` (on the injected clock) the alias is `Succeeded` and `onSubscriptionCreated` tells the
 * Partner Center simulator, so the subscription appears there as an Azure entitlement under the customer's plan.
 * `GET` on the same URL polls it, as the docs say. `GET /providers/Microsoft.Billing/billingAccounts` lists the one
 * billing account, so a client can find its name as the docs show.
 *
 * Modelling choices (inference, not documented): the refusal for a customer without an Azure plan is
 * `400 { error: { code: "AzurePlanNotFound" } }`; a second PUT with other properties is `409 AliasConflict`; an
 * unknown alias is `404 AliasNotFound`; app-only tokens are accepted (whether Microsoft allows them is open
 * question 7 of the reference doc). Authentication refusals use ARM's real codes (`AuthenticationFailed`,
 * `InvalidAuthenticationTokenAudience`, `ExpiredAuthenticationToken`, `InvalidAuthenticationToken`).
 *
 * The hook `onSubscriptionCreated` is called at least once per alias (before its success is journaled, again
 * after a crash in between, again while it throws): it must be idempotent by subscription id.
 */
export interface ArmSimulatorOptions {
  /** The partner's billing account (the docs' `{guid}:{guid}_{date}` form). */
  billingAccountName: string;
  billingAccountDisplayName: string;
  /** How long an alias stays `Accepted`. */
  provisioningDelaySeconds: number;
  throttling: ThrottlingSettings;
  /** Integration sandbox limit (3 Azure subscriptions per plan); unlimited when undefined. */
  maxSubscriptionsPerPlan?: number;
}

export const defaultArmSimulatorOptions: ArmSimulatorOptions = {
  billingAccountName: '5e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b:0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f_2019-05-31',
  billingAccountDisplayName: 'Local simulator partner',
  provisioningDelaySeconds: 30,
  throttling: defaultThrottling,
};

export type VerifyArmAccessToken = (
  token: string,
  options: { audience: string | readonly string[] },
) => Promise<
  { ok: true; claims: { oid: string; exp: number } } | { ok: false; reason: string; message: string }
>;

export interface ArmSimulatorSettings {
  verifyAccessToken: VerifyArmAccessToken;
  clock?: SimulatorClock;
  /** Directory for the journal; without one the state lives in memory only. */
  stateDirectory?: string;
  /** Which Azure plan a customer holds (the Partner Center simulator knows); `/_sim/azure-plans` adds to it. */
  azurePlanHolders?: (customerId: string) => string | undefined;
  /**
   * The customers that hold an active Azure plan (the Partner Center simulator knows), for `GET
   * …/billingAccounts/{account}/customers`: "The API response lists the customers in the billing account with Azure
   * plans" (reference §3.10).
   */
  azurePlanCustomers?: () => { customerId: string; displayName: string }[];
  /** A new Azure subscription under the customer's plan: the Partner Center simulator adds the entitlement. */
  onSubscriptionCreated?: (customerId: string, subscriptionId: string, displayName: string) => void;
  options?: Partial<ArmSimulatorOptions>;
}

export interface ArmAlias {
  name: string;
  customerId: string;
  billingScope: string;
  displayName: string;
  workload: 'Production' | 'DevTest';
  /** Indirect providers: the reseller the subscription is sold through (kept as sent, §3.10). */
  resellerId?: string;
  subscriptionId: string;
  provisioningState: 'Accepted' | 'Succeeded';
  acceptedAt: number;
  readyAt: number;
}

export interface ArmControls {
  setAzurePlan(customerId: string, planId: string | null): void;
  setProvisioningDelay(seconds: number): void;
  setThrottling(settings: Partial<ThrottlingSettings>): void;
  injectFault(fault: Partial<Fault> & { count: number }): void;
  /** Completes every alias whose provisioning delay has passed on the clock (each request also does it). */
  settle(): void;
  aliases(): ArmAlias[];
  stats(): { calls: Record<string, number> };
  resetStats(): void;
}

export interface ArmSimulator {
  /** `http://127.0.0.1:<port>` once started: the `ARM_ENDPOINT` setting. */
  readonly url: string;
  readonly audience: string;
  readonly billingAccountName: string;
  readonly handler: (request: IncomingMessage, response: ServerResponse) => void;
  readonly controls: ArmControls;
  start(options?: { port?: number }): Promise<{ url: string }>;
  stop(): Promise<void>;
}

export const armAudience = 'https://management.azure.com';
const aliasApiVersions = new Set(['2020-09-01', '2021-10-01']);
const billingApiVersions = new Set(['2019-10-01-preview', '2020-05-01', '2024-04-01']);
const billingScopePattern =
  /^\/providers\/Microsoft\.Billing\/billingAccounts\/([^/]+)\/customers\/([^/]+)$/i;

const armRecordSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('alias'),
    name: z.string(),
    customerId: z.string(),
    billingScope: z.string(),
    displayName: z.string(),
    workload: z.enum(['Production', 'DevTest']),
    resellerId: z.string().optional(),
    subscriptionId: z.string(),
    provisioningState: z.enum(['Accepted', 'Succeeded']),
    acceptedAt: z.number(),
    readyAt: z.number(),
  }),
  z.object({ type: z.literal('alias-succeeded'), name: z.string() }),
  z.object({ type: z.literal('azure-plan'), customerId: z.string(), planId: z.string().nullable() }),
]);
type ArmRecord = z.infer<typeof armRecordSchema>;

/** ARM matches property names case-insensitively (the docs' own example sends `DisplayName`, `Workload`). */
function lowerCaseKeys(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key.toLowerCase(), v]));
}

const putAliasProperties = z.object({
  displayname: z.string().min(1).max(64),
  billingscope: z.string().min(1),
  workload: z
    .string()
    .transform((w) =>
      w.toLowerCase() === 'devtest' ? 'DevTest' : w.toLowerCase() === 'production' ? 'Production' : w,
    )
    .pipe(z.enum(['Production', 'DevTest']))
    .default('Production'),
  subscriptionid: z.string().nullish(),
  resellerid: z.string().min(1).nullish(),
});

const faultBody = z
  .object({
    route: z.string().default('any'),
    count: z.number().int().min(1),
    mode: z.enum(['error', 'lost-response']).default('error'),
    status: z.number().int().min(400).max(599).default(500),
  })
  .strict();

export function createArmSimulator(settings: ArmSimulatorSettings): ArmSimulator {
  const clock = settings.clock ?? (() => new Date());
  const options = { ...defaultArmSimulatorOptions, ...settings.options };
  const journal: Journal<ArmRecord> | undefined = settings.stateDirectory
    ? openJournal(path.join(settings.stateDirectory, 'azure-resource-manager.jsonl'), {
        parse: (v) => armRecordSchema.parse(v),
      })
    : undefined;
  const aliases = new Map<string, ArmAlias>();
  const planHolders = new Map<string, string>();
  const traffic = createArmTraffic(options.throttling);
  const calls = createCallCounter();
  const timers = new Set<NodeJS.Timeout>();
  let provisioningDelayMs = options.provisioningDelaySeconds * 1000;
  let baseUrl = '';

  function apply(record: ArmRecord): void {
    if (record.type === 'alias') {
      const { type: _type, ...alias } = record;
      aliases.set(record.name.toLowerCase(), alias);
    } else if (record.type === 'alias-succeeded') {
      const alias = aliases.get(record.name.toLowerCase());
      if (alias) alias.provisioningState = 'Succeeded';
    } else if (record.planId === null) {
      planHolders.delete(record.customerId);
    } else {
      planHolders.set(record.customerId, record.planId);
    }
  }
  const record = (entry: ArmRecord) => {
    journal?.append(entry);
    apply(entry);
  };
  for (const entry of journal?.recovered ?? []) apply(entry);

  const planOf = (customerId: string) =>
    settings.azurePlanHolders?.(customerId) ?? planHolders.get(customerId);

  function settle(): void {
    const now = clock().getTime();
    for (const alias of aliases.values()) {
      if (alias.provisioningState !== 'Accepted' || alias.readyAt > now) continue;
      try {
        settings.onSubscriptionCreated?.(alias.customerId, alias.subscriptionId, alias.displayName);
      } catch {
        continue; // Stays Accepted: the next settle tells the Partner Center simulator again.
      }
      record({ type: 'alias-succeeded', name: alias.name });
    }
  }

  /** On a real clock this completes aliases without anyone polling; on a virtual one `settle()` on each request does. */
  function scheduleSettle(readyAt: number): void {
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        settle();
      },
      Math.min(Math.max(0, readyAt - clock().getTime()) + 5, 2_147_483_647),
    );
    timer.unref();
    timers.add(timer);
  }

  function aliasResource(alias: ArmAlias) {
    return {
      id: `/providers/Microsoft.Subscription/aliases/${alias.name}`,
      name: alias.name,
      type: 'Microsoft.Subscription/aliases',
      properties: {
        subscriptionId: alias.subscriptionId,
        displayName: alias.displayName,
        provisioningState: alias.provisioningState,
        billingScope: alias.billingScope,
        workload: alias.workload,
        ...(alias.resellerId ? { resellerId: alias.resellerId } : {}),
        createdTime: new Date(alias.acceptedAt).toISOString(),
      },
      systemData: {
        createdAt: new Date(alias.acceptedAt).toISOString(),
        lastModifiedAt: new Date(
          alias.provisioningState === 'Succeeded' ? alias.readyAt : alias.acceptedAt,
        ).toISOString(),
      },
    };
  }

  type Answer = { status: number; body: unknown; headers?: Record<string, string> };
  const armError = (
    status: number,
    code: string,
    message: string,
    headers?: Record<string, string>,
  ): Answer => ({
    status,
    body: { error: { code, message } },
    ...(headers ? { headers } : {}),
  });

  function putAlias(name: string, body: unknown): Answer {
    const properties = putAliasProperties.safeParse(lowerCaseKeys(lowerCaseKeys(body)?.properties));
    if (!properties.success) {
      return armError(
        400,
        'InvalidRequestContent',
        `The request content was invalid: ${properties.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    const {
      displayname: displayName,
      billingscope: billingScope,
      workload,
      subscriptionid,
      resellerid: resellerId,
    } = properties.data;
    const scope = billingScopePattern.exec(billingScope);
    if (!scope?.[1] || !scope[2]) {
      return armError(
        400,
        'InvalidBillingScope',
        `The billing scope '${billingScope}' is not of the form /providers/Microsoft.Billing/billingAccounts/{billingAccountName}/customers/{customerId}.`,
      );
    }
    if (decodeURIComponent(scope[1]).toLowerCase() !== options.billingAccountName.toLowerCase()) {
      return armError(404, 'BillingAccountNotFound', `Billing account '${scope[1]}' was not found.`);
    }
    const customerId = decodeURIComponent(scope[2]);
    const existing = aliases.get(name.toLowerCase());
    if (existing) {
      const same =
        existing.customerId.toLowerCase() === customerId.toLowerCase() &&
        existing.displayName === displayName &&
        existing.workload === workload &&
        (existing.resellerId ?? null) === (resellerId ?? null);
      if (!same) {
        return armError(409, 'AliasConflict', `Alias '${name}' already exists with other properties.`);
      }
      return {
        status: existing.provisioningState === 'Succeeded' ? 200 : 201,
        body: aliasResource(existing),
      };
    }
    if (subscriptionid) {
      const target = [...aliases.values()].find(
        (a) => a.subscriptionId.toLowerCase() === subscriptionid.toLowerCase(),
      );
      if (!target)
        return armError(404, 'SubscriptionNotFound', `Subscription '${subscriptionid}' was not found.`);
    }
    const planId = planOf(customerId);
    if (!planId) {
      return armError(
        400,
        'AzurePlanNotFound',
        `Customer '${customerId}' has no Azure plan under billing account '${options.billingAccountName}'. Subscriptions can be created only for customers with an Azure plan.`,
      );
    }
    if (options.maxSubscriptionsPerPlan !== undefined) {
      const underPlan = [...aliases.values()].filter(
        (a) => a.customerId.toLowerCase() === customerId.toLowerCase(),
      );
      if (underPlan.length >= options.maxSubscriptionsPerPlan) {
        return armError(
          400,
          'SubscriptionLimitReached',
          `The Azure plan '${planId}' already has ${underPlan.length} Azure subscriptions, the most allowed.`,
        );
      }
    }
    const now = clock().getTime();
    const alias: ArmAlias = {
      name,
      customerId,
      billingScope,
      displayName,
      workload,
      ...(resellerId ? { resellerId } : {}),
      // An alias for an existing subscription just names it; otherwise a new subscription is being created.
      subscriptionId: subscriptionid ?? randomUUID(),
      provisioningState: subscriptionid ? 'Succeeded' : 'Accepted',
      acceptedAt: now,
      readyAt: subscriptionid ? now : now + provisioningDelayMs,
    };
    record({ type: 'alias', ...alias });
    if (alias.provisioningState === 'Accepted') {
      scheduleSettle(alias.readyAt);
      if (provisioningDelayMs === 0) settle();
    }
    const current = aliases.get(name.toLowerCase()) as ArmAlias;
    return { status: current.provisioningState === 'Succeeded' ? 200 : 201, body: aliasResource(current) };
  }

  async function authenticate(request: IncomingMessage): Promise<{ oid: string } | Answer> {
    const header = request.headers.authorization ?? '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!bearer) {
      return armError(
        401,
        'AuthenticationFailed',
        "Authentication failed. The 'Authorization' header is missing.",
        {
          'www-authenticate':
            'Bearer error="invalid_token", error_description="The authentication failed because of missing \'Authorization\' header."',
        },
      );
    }
    const verified = await settings.verifyAccessToken(bearer, { audience: armAudience });
    if (verified.ok) return { oid: verified.claims.oid };
    const invalidToken = {
      'www-authenticate': `Bearer error="invalid_token", error_description="${verified.message}"`,
    };
    if (verified.reason === 'audience') {
      return armError(
        401,
        'InvalidAuthenticationTokenAudience',
        `The access token has been obtained for wrong audience or resource. It should exactly match with one of the allowed audiences '${armAudience}/','${armAudience}'. (${verified.message})`,
        invalidToken,
      );
    }
    if (verified.reason === 'expired') {
      return armError(
        401,
        'ExpiredAuthenticationToken',
        `The access token expiry UTC time is earlier than current UTC time '${clock().toISOString()}'.`,
        invalidToken,
      );
    }
    return armError(
      401,
      'InvalidAuthenticationToken',
      `The access token is invalid. (${verified.message})`,
      invalidToken,
    );
  }

  const controls: ArmControls = {
    setAzurePlan(customerId, planId) {
      record({ type: 'azure-plan', customerId, planId });
    },
    setProvisioningDelay(seconds) {
      provisioningDelayMs = seconds * 1000;
    },
    setThrottling(throttling) {
      traffic.setThrottling(throttling);
    },
    injectFault(fault) {
      traffic.addFault(faultBody.parse(fault));
    },
    settle,
    aliases: () => [...aliases.values()].map((alias) => ({ ...alias })),
    stats: () => ({ calls: calls.snapshot() }),
    resetStats: () => calls.reset(),
  };

  const controlBodies = {
    azurePlan: z.object({ customerId: z.string().min(1), planId: z.string().min(1).nullable() }).strict(),
    provisioning: z.object({ delaySeconds: z.number().min(0) }).strict(),
    throttling: z
      .object({
        readsPerWindow: z.number().int().min(0),
        writesPerWindow: z.number().int().min(0),
        windowSeconds: z.number().positive(),
        next: z.number().int().min(0),
        retryAfterSeconds: z.number().int().min(0),
      })
      .partial()
      .strict(),
  };

  async function control(method: string, pathname: string, request: IncomingMessage): Promise<Answer> {
    const route = `${method} ${pathname}`;
    const body = parseJsonBody(await readRequestBody(request));
    if (body instanceof Error) return armError(400, 'InvalidJson', body.message);
    const parse = <T>(schema: z.ZodType<T>): T | Answer => {
      const parsed = schema.safeParse(body ?? {});
      return parsed.success ? parsed.data : armError(400, 'InvalidRequestContent', parsed.error.message);
    };
    const isAnswer = (value: unknown): value is Answer =>
      typeof value === 'object' && value !== null && 'status' in value && 'body' in value;
    switch (route) {
      case 'POST /_sim/azure-plans': {
        const input = parse(controlBodies.azurePlan);
        if (isAnswer(input)) return input;
        controls.setAzurePlan(input.customerId, input.planId);
        return { status: 200, body: input };
      }
      case 'POST /_sim/provisioning': {
        const input = parse(controlBodies.provisioning);
        if (isAnswer(input)) return input;
        controls.setProvisioningDelay(input.delaySeconds);
        return { status: 200, body: input };
      }
      case 'POST /_sim/throttling': {
        const input = parse(controlBodies.throttling);
        if (isAnswer(input)) return input;
        controls.setThrottling(input);
        return { status: 200, body: traffic.throttling };
      }
      case 'POST /_sim/faults': {
        const input = parse(faultBody);
        if (isAnswer(input)) return input;
        traffic.addFault(input);
        return { status: 200, body: input };
      }
      case 'POST /_sim/settle':
        settle();
        return { status: 200, body: { aliases: controls.aliases() } };
      case 'GET /_sim/aliases':
        return { status: 200, body: { aliases: controls.aliases() } };
      case 'GET /_sim/stats':
        return { status: 200, body: controls.stats() };
      case 'DELETE /_sim/stats':
        controls.resetStats();
        return { status: 200, body: controls.stats() };
      case 'POST /_sim/reset':
        traffic.reset();
        calls.reset();
        provisioningDelayMs = options.provisioningDelaySeconds * 1000;
        return { status: 200, body: {} };
      default:
        return armError(404, 'NotFound', `No simulator control ${route}.`);
    }
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://localhost');
    const requestId = randomUUID();
    // ARM's correlation headers only: it knows nothing of Partner Center's MS-RequestId / MS-CorrelationId.
    const correlation = firstHeader(request, 'x-ms-correlation-request-id') ?? requestId;
    const headers: Record<string, string> = {
      'x-ms-request-id': requestId,
      'x-ms-correlation-request-id': correlation,
      ...(firstHeader(request, 'x-ms-client-request-id')
        ? { 'x-ms-client-request-id': firstHeader(request, 'x-ms-client-request-id') as string }
        : {}),
    };
    const send = (answer: Answer) =>
      sendJson(response, answer.status, answer.body, { ...headers, ...answer.headers });

    if (url.pathname.startsWith('/_sim/')) {
      calls.count(`${method} ${url.pathname}`);
      return send(await control(method, url.pathname, request));
    }
    settle();

    const aliasMatch = /^\/providers\/Microsoft\.Subscription\/aliases(?:\/([^/]+))?\/?$/i.exec(url.pathname);
    const billingAccounts = /^\/providers\/Microsoft\.Billing\/billingAccounts\/?$/i.test(url.pathname);
    const billingCustomers =
      /^\/providers\/Microsoft\.Billing\/billingAccounts\/([^/]+)\/customers\/?$/i.exec(url.pathname);
    const routeName = aliasMatch
      ? `${method} /providers/Microsoft.Subscription/aliases${aliasMatch[1] ? '/{aliasName}' : ''}`
      : billingAccounts
        ? `${method} /providers/Microsoft.Billing/billingAccounts`
        : billingCustomers
          ? `${method} /providers/Microsoft.Billing/billingAccounts/{billingAccountName}/customers`
          : 'unmatched';
    calls.count(routeName);
    const body = parseJsonBody(await readRequestBody(request));

    const apiVersion = url.searchParams.get('api-version');
    if (routeName === 'unmatched') {
      return send(
        armError(404, 'InvalidResourceType', `The resource type could not be found for '${url.pathname}'.`),
      );
    }
    if (!apiVersion) {
      return send(
        armError(
          400,
          'MissingApiVersionParameter',
          'The api-version query parameter (?api-version=) is required for all requests.',
        ),
      );
    }
    const versions = aliasMatch ? aliasApiVersions : billingApiVersions;
    if (!versions.has(apiVersion)) {
      return send(
        armError(
          400,
          'InvalidApiVersionParameter',
          `The api-version '${apiVersion}' is invalid. The supported versions are '${[...versions].join(',')}'.`,
        ),
      );
    }

    const principal = await authenticate(request);
    if ('status' in principal) return send(principal);
    const retryAfter = traffic.throttle(
      principal.oid,
      method === 'GET' ? 'read' : 'write',
      clock().getTime(),
    );
    if (retryAfter !== undefined) {
      calls.count('throttled');
      return send(
        armError(
          429,
          'TooManyRequests',
          `The request is being throttled. Retry after ${retryAfter} seconds.`,
          {
            'retry-after': String(retryAfter),
          },
        ),
      );
    }
    const aliasName = aliasMatch?.[1] ? decodeURIComponent(aliasMatch[1]) : undefined;
    const faultRoute = `${method} ${aliasMatch ? (aliasName ? 'alias' : 'aliases') : 'billingAccounts'}`;
    const fault = traffic.takeFault(faultRoute);
    if (fault?.mode === 'error') {
      calls.count('faults');
      return send(
        armError(fault.status, fault.status >= 500 ? 'InternalServerError' : 'BadRequest', 'Injected fault.'),
      );
    }

    let answer: Answer;
    if (billingCustomers && method === 'GET') {
      const account = decodeURIComponent(billingCustomers[1] ?? '');
      const accountId = `/providers/Microsoft.Billing/billingAccounts/${options.billingAccountName}`;
      const customers = (settings.azurePlanCustomers?.() ?? []).map((customer) => ({
        id: `${accountId}/customers/${customer.customerId}`,
        name: customer.customerId,
        properties: {
          billingProfileDisplayName: `${customer.displayName} Billing Profile`,
          billingProfileId: `${accountId}/billingProfiles/${customer.customerId.slice(0, 4).toUpperCase()}-SIM`,
          displayName: customer.displayName,
        },
        type: 'Microsoft.Billing/billingAccounts/customers',
      }));
      answer =
        account.toLowerCase() === options.billingAccountName.toLowerCase()
          ? { status: 200, body: { totalCount: customers.length, value: customers } }
          : armError(404, 'BillingAccountNotFound', `Billing account '${account}' was not found.`);
    } else if (billingAccounts && method === 'GET') {
      answer = {
        status: 200,
        body: {
          value: [
            {
              id: `/providers/Microsoft.Billing/billingAccounts/${options.billingAccountName}`,
              name: options.billingAccountName,
              properties: {
                accountStatus: 'Active',
                accountType: 'Partner',
                agreementType: 'MicrosoftPartnerAgreement',
                billingProfiles: { hasMoreResults: false },
                displayName: options.billingAccountDisplayName,
                hasReadAccess: true,
              },
              type: 'Microsoft.Billing/billingAccounts',
            },
          ],
        },
      };
    } else if (aliasMatch && !aliasName && method === 'GET') {
      answer = { status: 200, body: { value: [...aliases.values()].map(aliasResource) } };
    } else if (aliasName && method === 'GET') {
      const alias = aliases.get(aliasName.toLowerCase());
      answer = alias
        ? { status: 200, body: aliasResource(alias) }
        : armError(404, 'AliasNotFound', `Alias '${aliasName}' was not found.`);
    } else if (aliasName && method === 'PUT') {
      answer =
        body instanceof Error
          ? armError(400, 'InvalidRequestContent', `The request content was invalid: ${body.message}`)
          : putAlias(aliasName, body);
    } else {
      answer = armError(
        405,
        'MethodNotAllowed',
        `The method '${method}' is not allowed on '${url.pathname}'.`,
      );
    }
    if (fault?.mode === 'lost-response') {
      // The work is done (and journaled); the client never hears, as when a connection drops after commit.
      calls.count('faults');
      response.destroy();
      return;
    }
    send(answer);
  }

  const server = createServer((request, response) => handler(request, response));
  function handler(request: IncomingMessage, response: ServerResponse): void {
    route(request, response).catch((error: unknown) => {
      if (response.headersSent) return void response.destroy();
      sendJson(response, 500, { error: { code: 'InternalServerError', message: String(error) } });
    });
  }

  return {
    get url() {
      return baseUrl;
    },
    audience: armAudience,
    billingAccountName: options.billingAccountName,
    handler,
    controls,
    async start({ port } = {}) {
      const bound = await listenOnLoopback(server, port);
      baseUrl = `http://127.0.0.1:${bound}`;
      for (const alias of aliases.values()) {
        if (alias.provisioningState === 'Accepted') scheduleSettle(alias.readyAt);
      }
      return { url: baseUrl };
    },
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await closeServer(server);
      if (journal) {
        journal.rewrite([
          ...[...aliases.values()].map((alias): ArmRecord => ({ type: 'alias', ...alias })),
          ...[...planHolders].map(([customerId, planId]): ArmRecord => ({
            type: 'azure-plan',
            customerId,
            planId,
          })),
        ]);
        journal.close();
      }
    },
  };
}

function firstHeader(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
