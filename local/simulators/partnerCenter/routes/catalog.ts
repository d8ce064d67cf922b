import {
  availabilityId,
  availabilityView,
  findProduct,
  products,
  productView,
  reservationScopeFrom,
  skuView,
} from '../catalog';
import { collection, invalidInput, json, link, notFound, type SimResponse } from '../responses';
import type { CallContext, Route } from './route';
import type { Simulation } from './simulation';

/**
 * The catalog (reference §3.6): products, SKUs and availabilities, by country or under a customer (whose country
 * is used).
 */
export function catalogRoutes(sim: Simulation): Route[] {
  const { customerOr404, isCustomer, generation } = sim;
  const countryOf = (call: CallContext): string | SimResponse => {
    if (call.params.customerId !== undefined) {
      const customer = customerOr404(call.params.customerId);
      return isCustomer(customer) ? customer.country : customer;
    }
    const country = call.query.get('country');
    return country && /^[A-Za-z]{2}$/.test(country)
      ? country.toUpperCase()
      : invalidInput('country is required.');
  };
  const productFor = (call: CallContext) => findProduct(call.params.productId ?? '');
  const productMissing = (call: CallContext) =>
    notFound(800004, `Product ${call.params.productId} was not found.`);
  const withCountry = (call: CallContext, then: (country: string) => SimResponse) => {
    const country = countryOf(call);
    return typeof country === 'string' ? then(country) : country;
  };
  const scoped = (template: string) => [template, `/v1/customers/{customerId}${template.slice(3)}`];

  return [
    ...scoped('/v1/products').map((template) => ({
      method: 'GET',
      template,
      resource: 'catalog',
      handle: (call: CallContext) =>
        withCountry(call, (country) => {
          const view = call.query.get('targetView');
          const items = products
            .filter((p) => !view || p.targetView.toLowerCase() === view.toLowerCase())
            .map((p) => productView(p, country));
          return json(200, collection(items));
        }),
    })),
    ...scoped('/v1/products/{productId}').map((template) => ({
      method: 'GET',
      template,
      resource: 'catalog',
      handle: (call: CallContext) =>
        withCountry(call, (country) => {
          const product = productFor(call);
          return product ? json(200, productView(product, country)) : productMissing(call);
        }),
    })),
    ...scoped('/v1/products/{productId}/skus').map((template) => ({
      method: 'GET',
      template,
      resource: 'catalog',
      handle: (call: CallContext) =>
        withCountry(call, (country) => {
          const product = productFor(call);
          return product ? json(200, collection([skuView(product, country)])) : productMissing(call);
        }),
    })),
    ...scoped('/v1/products/{productId}/skus/{skuId}').map((template) => ({
      method: 'GET',
      template,
      resource: 'catalog',
      handle: (call: CallContext) =>
        withCountry(call, (country) => {
          const product = productFor(call);
          return product && call.params.skuId === '0001'
            ? json(200, skuView(product, country))
            : productMissing(call);
        }),
    })),
    ...scoped('/v1/products/{productId}/skus/{skuId}/availabilities').map((template) => ({
      method: 'GET',
      template,
      resource: 'catalog',
      handle: (call: CallContext) =>
        withCountry(call, (country) => {
          const product = productFor(call);
          if (!product || call.params.skuId !== '0001') return productMissing(call);
          const scope = reservationScopeFrom(call.query.get('reservationScope'));
          const id = availabilityId(product.productId, country, generation(country), scope);
          return json(
            200,
            collection([availabilityView(product, country, id)], {
              links: {
                self: link(
                  `/products/${product.productId}/skus/0001/availabilities?country=${country}&targetSegment=commercial`,
                ),
              },
            }),
          );
        }),
    })),
    ...scoped('/v1/products/{productId}/skus/{skuId}/availabilities/{availabilityId}').map((template) => ({
      method: 'GET',
      template,
      resource: 'catalog',
      handle: (call: CallContext) =>
        withCountry(call, (country) => {
          const product = productFor(call);
          const ids = product
            ? [
                availabilityId(product.productId, country, generation(country)),
                availabilityId(product.productId, country, generation(country), 'MicrosoftAzure'),
              ]
            : [];
          const id = ids.find((candidate) => candidate === call.params.availabilityId);
          if (!product || !id) {
            return notFound(400019, `Availability ${call.params.availabilityId} not found.`);
          }
          return json(200, availabilityView(product, country, id));
        }),
    })),
  ];
}
