import { z } from 'zod';

import { azurePlanProduct } from '../../domain/documents/documents';
import { type Clock } from '../../platform/clock';
import { type Sleep } from '../../platform/retryPolicy';
import { type AccessTokenRequest, type AccessTokenSource, partnerCenterScope } from '../auth/accessTokens';
import {
  type CallContext,
  createMicrosoftHttpClient,
  type GatewayLog,
  type MicrosoftHttpClientOptions,
} from '../microsoftHttp/microsoftHttpClient';
import { probeStatus } from '../microsoftHttp/probeStatus';
import { PartnerCenterError } from './partnerCenterError';
import { type PartnerCenterGateway, type Reachability } from './ports';
import {
  agreementMetadataSchema,
  agreementSchema,
  type Availability,
  availabilitySchema,
  azureEntitlementSchema,
  cartSchema,
  checkoutResultSchema,
  collectionOf,
  customerSchema,
  directSignStatusSchema,
  type Order,
  orderSchema,
  provisioningStatusSchema,
  registrationStatusSchema,
  subscriptionSchema,
  upgradeEligibilitySchema,
  upgradeStatusSchema,
} from './schemas';

const mcaType = 'MicrosoftCustomerAgreement';

export interface PartnerCenterGatewayOptions {
  /** `https://api.partnercenter.microsoft.com`, or the simulator's `http://127.0.0.1:<port>`. */
  endpoint: string;
  tokens: AccessTokenSource;
  /**
   * Use app-only tokens for the operations Partner Center allows them on (carts, checkout, orders, subscriptions,
   * entitlements, registrations, catalog, customers), App+User for the rest. When false, App+User everywhere.
   */
  appOnlyWherePermitted: boolean;
  fetch?: typeof fetch;
  clock?: Clock;
  sleep?: Sleep;
  log?: GatewayLog;
  retry?: MicrosoftHttpClientOptions['retry'];
}

const enc = encodeURIComponent;
const pageSchema = collectionOf(z.unknown());
const continuationHeader = z.object({ key: z.string(), value: z.string() });

/** The Partner Center gateway: every Partner Center call of the service goes through it. */
export function createPartnerCenterGateway(options: PartnerCenterGatewayOptions): PartnerCenterGateway {
  const send = createMicrosoftHttpClient({
    service: 'partnerCenter',
    endpoint: options.endpoint,
    tokens: options.tokens,
    defaultHeaders: { 'ms-contract-version': 'v1' },
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  });
  const appUser: AccessTokenRequest = { kind: 'appUser', scope: partnerCenterScope };
  const appOrUser: AccessTokenRequest = options.appOnlyWherePermitted
    ? { kind: 'appOnly', scope: partnerCenterScope }
    : appUser;
  const customerPath = (customerId: string) => `/v1/customers/${enc(customerId)}`;

  const notFoundAsUndefined = async <T>(read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      if (error instanceof PartnerCenterError && error.httpStatus === 404) return undefined;
      throw error;
    }
  };

  /** Reads every page of a collection (continuation via `links.next`, as Partner Center pages). */
  const readAll = async <T extends z.ZodType>(
    path: string,
    item: T,
    token: AccessTokenRequest,
    context: CallContext,
  ): Promise<z.infer<T>[]> => {
    const items: z.infer<T>[] = [];
    let nextPath: string | undefined = path;
    let headers: Record<string, string> = {};
    for (let page = 0; nextPath && page < 100; page++) {
      const response: { body: z.infer<typeof pageSchema> } = await send({
        method: 'GET',
        path: nextPath,
        token,
        context,
        headers,
        schema: pageSchema,
      });
      for (const [index, raw] of response.body.items.entries()) {
        const parsed = item.safeParse(raw);
        if (!parsed.success) {
          throw new PartnerCenterError({
            kind: 'Rejected',
            httpStatus: 200,
            message: `unexpected item ${index} in ${path.split('?')[0]}: ${parsed.error.issues[0]?.message ?? ''}`,
            isRetryable: false,
          });
        }
        items.push(parsed.data);
      }
      const next = response.body.links?.next;
      nextPath = next ? versioned(next.uri) : undefined;
      headers = Object.fromEntries(
        (next?.headers ?? []).flatMap((header) => {
          const parsed = continuationHeader.safeParse(header);
          return parsed.success ? [[parsed.data.key, parsed.data.value]] : [];
        }),
      );
    }
    return items;
  };

  const listOrders: PartnerCenterGateway['listOrders'] = (customerId, context) =>
    readAll(`${customerPath(customerId)}/orders`, orderSchema, appOrUser, context);

  async function getAvailability(
    productId: string,
    skuId: string,
    country: string,
    context: CallContext,
    options: { reservationScope?: 'AzurePlan' } = {},
  ): Promise<Availability | undefined> {
    const path =
      `/v1/products/${enc(productId)}/skus/${enc(skuId)}/availabilities` +
      `?country=${enc(country.toUpperCase())}&targetSegment=commercial` +
      (options.reservationScope ? `&reservationScope=${enc(options.reservationScope)}` : '');
    const items = await notFoundAsUndefined(() => readAll(path, availabilitySchema, appOrUser, context));
    return items?.find((item) => item.isPurchasable !== false);
  }

  return {
    async getCustomer(customerId, context) {
      return notFoundAsUndefined(async () => {
        const { body } = await send({
          method: 'GET',
          path: customerPath(customerId),
          token: appOrUser,
          context,
          schema: customerSchema,
        });
        return body;
      });
    },

    async createCustomer(customer, context) {
      const { body } = await send({
        method: 'POST',
        path: '/v1/customers',
        token: appOrUser,
        context,
        body: {
          companyProfile: {
            domain: customer.domain,
            ...(customer.organizationRegistrationNumber
              ? { organizationRegistrationNumber: customer.organizationRegistrationNumber }
              : {}),
          },
          billingProfile: {
            email: customer.email,
            culture: customer.culture ?? 'en-US',
            language: customer.language ?? 'en',
            companyName: customer.companyName,
            defaultAddress: customer.address,
          },
        },
        schema: customerSchema,
      });
      return body;
    },

    async getMcaMetadata(context) {
      const { body } = await send({
        method: 'GET',
        path: `/v1/agreements?agreementType=${mcaType}`,
        token: appUser,
        context,
        schema: collectionOf(agreementMetadataSchema),
      });
      const current = body.items
        .filter((item) => item.agreementType === mcaType)
        .sort((a, b) => (a.versionRank ?? 0) - (b.versionRank ?? 0))[0];
      if (!current) {
        throw new PartnerCenterError({
          kind: 'Rejected',
          httpStatus: 200,
          message: 'no Microsoft Customer Agreement template in the agreement metadata',
          isRetryable: false,
        });
      }
      return current;
    },

    listMcaAgreements: (customerId, context) =>
      readAll(
        `${customerPath(customerId)}/agreements?agreementType=${mcaType}`,
        agreementSchema,
        appUser,
        context,
      ),

    async createAttestation(customerId, input, context) {
      try {
        const { body } = await send({
          method: 'POST',
          path: `${customerPath(customerId)}/agreements`,
          token: appUser,
          context,
          body: { ...input, type: mcaType },
          schema: agreementSchema,
        });
        return body;
      } catch (error) {
        // A lost answer followed by a repeat of the same step meets our own first attestation.
        if (!(error instanceof PartnerCenterError) || error.partnerCenterCode !== 600061) throw error;
        const existing = (await this.listMcaAgreements(customerId, context)).find(
          (agreement) =>
            agreement.templateId === input.templateId &&
            agreement.dateAgreed.slice(0, 10) === input.dateAgreed.slice(0, 10) &&
            agreement.primaryContact.email.toLowerCase() === input.primaryContact.email.toLowerCase(),
        );
        if (existing && error.afterRepeat) return existing;
        throw error;
      }
    },

    async isDirectlySigned(customerId, context) {
      const { body } = await send({
        method: 'GET',
        path: `${customerPath(customerId)}/directSignedMicrosoftCustomerAgreementStatus`,
        token: appUser,
        context,
        schema: directSignStatusSchema,
      });
      return body.isSigned;
    },

    getAzurePlanAvailability(country, context) {
      // The Azure plan's product and SKU; the availability (hence the catalog item id) differs per country.
      return getAvailability(azurePlanProduct.productId, azurePlanProduct.skuId, country, context);
    },

    getAvailability,

    async createCart(customerId, lines, context) {
      const { body } = await send({
        method: 'POST',
        path: `${customerPath(customerId)}/carts`,
        token: appOrUser,
        context,
        body: { lineItems: lines.map((line, index) => ({ id: index, ...line })) },
        schema: cartSchema,
      });
      const refused = body.lineItems.find((line) => line.error);
      if (refused?.error) {
        throw new PartnerCenterError({
          kind: 'Rejected',
          httpStatus: 200,
          partnerCenterCode: Number(refused.error.errorCode),
          message: refused.error.errorDescription ?? `cart line ${refused.id} refused`,
          isRetryable: false,
        });
      }
      return body;
    },

    async checkout(customerId, cartId, context) {
      const cartPath = `${customerPath(customerId)}/carts/${enc(cartId)}`;
      let result;
      try {
        ({ body: result } = await send({
          method: 'POST',
          path: `${cartPath}/checkout`,
          token: appOrUser,
          context,
          schema: checkoutResultSchema,
        }));
      } catch (error) {
        if (!(error instanceof PartnerCenterError) || error.partnerCenterCode !== 800065) throw error;
        // "Already submitted": the first checkout went through; find its orders instead of buying again.
        return { orders: await ordersOfCart(customerId, cartPath, context), orderErrors: [] };
      }
      const refused = result.orderErrors[0];
      if (refused && result.orders.length === 0) {
        throw new PartnerCenterError({
          kind: 'Rejected',
          httpStatus: 201,
          partnerCenterCode: refused.code,
          message: refused.description ?? `order group ${refused.orderGroupId ?? '?'} refused`,
          isRetryable: false,
        });
      }
      return result;
    },

    async getOrder(customerId, orderId, context) {
      const { body } = await send({
        method: 'GET',
        path: `${customerPath(customerId)}/orders/${enc(orderId)}`,
        token: appOrUser,
        context,
        schema: orderSchema,
      });
      return body;
    },

    listOrders,

    async getProvisioningStatus(customerId, orderId, context) {
      const { body } = await send({
        method: 'GET',
        path: `${customerPath(customerId)}/orders/${enc(orderId)}/provisioningstatus`,
        token: appUser,
        context,
        schema: provisioningStatusSchema,
      });
      return body.items.map((item) => ({ lineItemNumber: item.lineItemNumber, status: item.status }));
    },

    listSubscriptions: (customerId, context) =>
      readAll(`${customerPath(customerId)}/subscriptions`, subscriptionSchema, appOrUser, context),

    async getSubscription(customerId, subscriptionId, context) {
      return notFoundAsUndefined(async () => {
        const { body } = await send({
          method: 'GET',
          path: `${customerPath(customerId)}/subscriptions/${enc(subscriptionId)}`,
          token: appOrUser,
          context,
          schema: subscriptionSchema,
        });
        return body;
      });
    },

    listSubscriptionsByOrder: (customerId, orderId, context) =>
      readAll(
        `${customerPath(customerId)}/subscriptions?order_id=${enc(orderId)}`,
        subscriptionSchema,
        appOrUser,
        context,
      ),

    async updateSubscription(customerId, subscription, context) {
      const etag = subscription.attributes?.etag;
      const { body } = await send({
        method: 'PATCH',
        path: `${customerPath(customerId)}/subscriptions/${enc(subscription.id)}`,
        token: appOrUser,
        context,
        body: subscription,
        // ETags go in double quotes (Partner Center's test-and-debug guidance).
        ...(etag ? { headers: { 'if-match': etag.startsWith('"') ? etag : `"${etag}"` } } : {}),
        schema: subscriptionSchema,
      });
      return body;
    },

    listAzureEntitlements: (customerId, planSubscriptionId, context) =>
      readAll(
        `${customerPath(customerId)}/subscriptions/${enc(planSubscriptionId)}/azureEntitlements`,
        azureEntitlementSchema,
        appOrUser,
        context,
      ),

    async registerSubscription(customerId, subscriptionId, context) {
      await send({
        method: 'POST',
        path: `${customerPath(customerId)}/subscriptions/${enc(subscriptionId)}/registrations`,
        token: appOrUser,
        context,
        body: {},
        schema: undefined,
      });
    },

    async getRegistrationStatus(customerId, subscriptionId, context) {
      const { body } = await send({
        method: 'GET',
        path: `${customerPath(customerId)}/subscriptions/${enc(subscriptionId)}/registrationstatus`,
        token: appOrUser,
        context,
        schema: registrationStatusSchema,
      });
      return body.status.toLowerCase();
    },

    async getUpgradeEligibility(customerId, context) {
      const { body } = await send({
        method: 'POST',
        path: '/v1/productUpgrades/eligibility',
        token: appUser,
        context,
        body: { customerId, productFamily: 'azure' },
        schema: upgradeEligibilitySchema,
      });
      return body;
    },

    async createUpgrade(customerId, context) {
      const { headers } = await send({
        method: 'POST',
        path: '/v1/productUpgrades',
        token: appUser,
        context,
        body: { customerId, productFamily: 'azure' },
        schema: undefined,
      });
      const upgradeId = /productUpgrades\/([^/?#]+)/i.exec(headers.get('location') ?? '')?.[1];
      if (!upgradeId) {
        throw new PartnerCenterError({
          kind: 'Rejected',
          httpStatus: 202,
          message: 'product upgrade accepted without a Location naming it',
          isRetryable: false,
        });
      }
      return decodeURIComponent(upgradeId);
    },

    async getUpgradeStatus(customerId, upgradeId, context) {
      const { body } = await send({
        method: 'POST',
        path: `/v1/productUpgrades/${enc(upgradeId)}/status`,
        token: appUser,
        context,
        body: { customerId, productFamily: 'azure' },
        schema: upgradeStatusSchema,
      });
      return body;
    },

    async checkReachability() {
      return checkReachability(options, appUser);
    },
  };

  /** The orders a cart produced: same catalog items, created at or after the cart. Empty while lists lag. */
  async function ordersOfCart(customerId: string, cartPath: string, context: CallContext): Promise<Order[]> {
    const { body: cart } = await send({
      method: 'GET',
      path: cartPath,
      token: appOrUser,
      context,
      schema: cartSchema,
    });
    const catalogItems = new Set(cart.lineItems.map((line) => line.catalogItemId));
    const since = cart.creationTimestamp ? Date.parse(cart.creationTimestamp) : 0;
    const orders = (await listOrders(customerId, context)).filter(
      (order) =>
        order.lineItems.some((line) => catalogItems.has(line.offerId)) &&
        (!order.creationDate || Date.parse(order.creationDate) >= since - 60_000),
    );
    if (orders.length === 0) {
      // Orders can take up to 15 minutes to appear in the list: "in progress", poll again later.
      throw new PartnerCenterError({
        kind: 'Rejected',
        httpStatus: 400,
        partnerCenterCode: 800060,
        message: `cart ${cart.id} was already submitted but its order is not listed yet`,
        isRetryable: true,
      });
    }
    return orders;
  }
}

/** `links` URIs are relative to the API version (`/customers/…`); requests need `/v1/…`. */
function versioned(uri: string): string {
  const path = uri.replace(/^https?:\/\/[^/]+/i, '');
  return path.startsWith('/v1/') ? path : `/v1${path.startsWith('/') ? '' : '/'}${path}`;
}

/**
 * Reachable = a token can be had and Partner Center answers at all (any status below 500). One attempt, 3 s, no
 * retries: health must answer quickly and say what it saw.
 */
async function checkReachability(
  options: PartnerCenterGatewayOptions,
  token: AccessTokenRequest,
  afterUnauthorized = false,
): Promise<Reachability> {
  const probe = await probeStatus(options.tokens, token, (accessToken, signal) =>
    (options.fetch ?? fetch)(
      `${options.endpoint.replace(/\/+$/, '')}/v1/agreements?agreementType=${mcaType}`,
      {
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
        signal,
      },
    ),
  );
  if (!('status' in probe)) return probe;
  // A cached token Partner Center no longer accepts: whether a new one can be had is what the operator needs.
  if (probe.status === 401 && !afterUnauthorized) {
    options.tokens.invalidate(token);
    return checkReachability(options, token, true);
  }
  return probe.status < 500 && probe.status !== 401
    ? { reachable: true }
    : { reachable: false, detail: `HTTP ${probe.status}` };
}
