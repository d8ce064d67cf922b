import { cancelEntitlementBody, lowerCaseKeys, subscriptionPatchBody } from '../bodies';
import { collection, errorA, invalidInput, json, link, notFound, type SimResponse } from '../responses';
import type { Entitlement, Subscription } from '../state';
import { entitlementView, etag, subscriptionView } from '../views';
import { addMs, type CallContext, isParsed, parse, type Route } from './route';
import type { Simulation } from './simulation';

/**
 * Subscriptions and what hangs under the Azure plan: read and list (reference §3.9), Azure entitlements (§3.10),
 * their cancellation (§3.11), registration for reservations (§3.12), suspend and reactivate (§3.14).
 */
export function subscriptionRoutes(sim: Simulation): Route[] {
  const { state, behaviour, forCustomer, withSubscription } = sim;

  function listEntitlements(call: CallContext): SimResponse {
    return withSubscription(call, (customer, subscription) => {
      const all = state.all('entitlements').filter((e) => e.subscriptionId === subscription.id);
      const token = String(
        call.headers['ms-continuationtoken'] ?? call.query.get('continuationToken') ?? '0',
      );
      const start = Number.parseInt(token, 10) || 0;
      const page = all.slice(start, start + behaviour.entitlementPageSize);
      const next = start + page.length;
      const self = `/customers/${customer.id}/subscriptions/${subscription.id}/azureEntitlements`;
      return json(
        200,
        collection(page.map(entitlementView), {
          links: {
            self: link(self),
            ...(next < all.length
              ? {
                  next: {
                    uri: `${self}?continuationToken=${next}`,
                    method: 'GET',
                    headers: [{ key: 'MS-ContinuationToken', value: String(next) }],
                  },
                }
              : {}),
          },
        }),
      );
    });
  }

  function entitlementOr404(call: CallContext, subscription: Subscription): Entitlement | SimResponse {
    const entitlement = state.get('entitlements', (call.params.entitlementId ?? '').toLowerCase());
    if (!entitlement || entitlement.subscriptionId !== subscription.id) {
      return notFound(800111, `Azure entitlement with ID ${call.params.entitlementId} isn't found.`);
    }
    return entitlement;
  }

  function patchSubscription(call: CallContext): SimResponse {
    return withSubscription(call, (_customer, subscription) => {
      // The ETag comes in If-Match, or — as in the docs' second suspend example, which sends no If-Match — in the
      // full resource's `attributes.etag` (reference §3.14). Either way it must be the current one.
      const bodyAttributes = lowerCaseKeys(
        (lowerCaseKeys(call.body) as { attributes?: unknown } | undefined)?.attributes,
      ) as { etag?: unknown } | undefined;
      const header = call.headers['if-match'];
      const bodyEtag = typeof bodyAttributes?.etag === 'string' ? bodyAttributes.etag : '';
      const ifMatch = (typeof header === 'string' ? header : bodyEtag).replace(/^W\//, '').replace(/"/g, '');
      if (ifMatch !== etag(subscription)) {
        return errorA(
          412,
          800002,
          'The ETag in If-Match does not match the current subscription; GET it again.',
        );
      }
      const body = parse(subscriptionPatchBody, lowerCaseKeys(call.body));
      if (!isParsed(body)) return body;
      const status = body.value.status.toLowerCase();
      if (status !== 'active' && status !== 'suspended')
        return invalidInput(`Status '${body.value.status}' is not allowed.`);
      if (
        status === 'suspended' &&
        subscription.status !== 'suspended' &&
        subscription.kind === 'azurePlan'
      ) {
        const active = state
          .all('entitlements')
          .some((e) => e.subscriptionId === subscription.id && e.status === 'active');
        if (active) {
          return errorA(
            403,
            900115,
            'The Azure plan cannot be suspended while it has active Azure subscriptions or reservations.',
          );
        }
      }
      const updated: Subscription = {
        ...subscription,
        status,
        friendlyName: body.value.friendlyname ?? subscription.friendlyName,
        version: subscription.version + 1,
      };
      state.put('subscriptions', updated);
      return json(200, subscriptionView(updated));
    });
  }

  return [
    {
      method: 'GET',
      template: '/v1/customers/{customerId}/subscriptions',
      resource: 'subscriptions',
      handle: forCustomer((call, customer) => {
        const orderId = call.query.get('order_id');
        const items = state
          .all('subscriptions')
          .filter((s) => s.customerId === customer.id && (orderId === null || s.orderId === orderId))
          .map(subscriptionView);
        return json(200, collection(items));
      }),
    },
    {
      method: 'GET',
      template: '/v1/customers/{customerId}/subscriptions/{subscriptionId}',
      resource: 'subscriptions',
      handle: (call) =>
        withSubscription(call, (_c, subscription) => json(200, subscriptionView(subscription))),
    },
    {
      method: 'PATCH',
      template: '/v1/customers/{customerId}/subscriptions/{subscriptionId}',
      resource: 'subscriptions',
      handle: patchSubscription,
    },
    {
      method: 'GET',
      template: '/v1/customers/{customerId}/subscriptions/{subscriptionId}/azureEntitlements',
      resource: 'subscriptions',
      handle: listEntitlements,
    },
    {
      method: 'GET',
      template: '/v1/customers/{customerId}/subscriptions/{subscriptionId}/azureEntitlements/{entitlementId}',
      resource: 'subscriptions',
      handle: (call) =>
        withSubscription(call, (_c, subscription) => {
          const entitlement = entitlementOr404(call, subscription);
          return 'status' in entitlement && 'subscriptionId' in entitlement
            ? json(200, entitlementView(entitlement))
            : entitlement;
        }),
    },
    {
      method: 'POST',
      template:
        '/v1/customers/{customerId}/subscriptions/{subscriptionId}/azureEntitlements/{entitlementId}/cancel',
      resource: 'subscriptions',
      handle: (call) =>
        withSubscription(call, (_c, subscription) => {
          const entitlement = entitlementOr404(call, subscription);
          if (!('subscriptionId' in entitlement)) return entitlement;
          const body = parse(cancelEntitlementBody, call.body);
          if (!isParsed(body))
            return errorA(400, 800002, 'The Azure entitlement cancellation request content is required.');
          if (!['compromise', 'dispute', 'other'].includes(body.value.cancellationReason.toLowerCase())) {
            return errorA(400, 900307, `Cancellation reason '${body.value.cancellationReason} is invalid.`);
          }
          const updated = entitlement.inactiveAt
            ? entitlement
            : { ...entitlement, inactiveAt: addMs(call.now, behaviour.entitlementCancelDelayMs) };
          state.put('entitlements', updated);
          return json(200, entitlementView(updated));
        }),
    },
    {
      method: 'POST',
      template: '/v1/customers/{customerId}/subscriptions/{subscriptionId}/registrations',
      resource: 'subscriptions',
      handle: (call) =>
        withSubscription(call, (customer, subscription) => {
          if (subscription.registrationStatus === 'notregistered') {
            state.put('subscriptions', {
              ...subscription,
              registrationStatus: 'registering',
              registeredAt: addMs(call.now, behaviour.registrationDelayMs),
              version: subscription.version + 1,
            });
          }
          return {
            status: 202,
            headers: {
              Location: `/customers/${customer.id}/subscriptions/${subscription.id}/registrationstatus`,
            },
          };
        }),
    },
    {
      method: 'GET',
      template: '/v1/customers/{customerId}/subscriptions/{subscriptionId}/registrationstatus',
      resource: 'subscriptions',
      handle: (call) =>
        withSubscription(call, (_c, subscription) =>
          json(200, {
            subscriptionId: subscription.id,
            status: subscription.registrationStatus,
            attributes: { objectType: 'SubscriptionRegistrationStatus' },
          }),
        ),
    },
  ];
}
