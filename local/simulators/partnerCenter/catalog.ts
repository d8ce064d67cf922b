import { createHash } from 'node:crypto';

import { link } from './responses';
import type { ProductKind } from './state';

/*
 * The slice of Partner Center's catalog the purchase flow uses: the Azure plan (DZH318Z0BPS6/0001), one VM
 * reservation product bought against a plan, and the legacy Microsoft Azure offer (MS-AZR-0145P, an offer id, not a
 * product). Availability ids are country-specific: the documented US and GB ids are used as they are; every other
 * country (and every later "generation" after the stale-availability control) gets a stable id derived from
 * product, country and generation, shaped like the real ones (12 characters, `DZH3` prefix).
 */

export const AZURE_PLAN_PRODUCT_ID = 'DZH318Z0BPS6';
export const RESERVATION_PRODUCT_ID = 'DZH318Z0BQ3Q';
export const LEGACY_AZURE_OFFER_ID = 'MS-AZR-0145P';
export const SKU_ID = '0001';

const documentedAvailabilityIds: Record<string, Record<string, string>> = {
  [AZURE_PLAN_PRODUCT_ID]: { US: 'DZH318Z0BML6', GB: 'DZH318Z0BMGV' },
  [RESERVATION_PRODUCT_ID]: { US: 'DZH318XZXVNF' },
};

/**
 * Which subscriptions a reservation availability is for (PCD `get-a-list-of-availabilities-for-a-sku.md`, reference
 * §3.6–3.7): `AzurePlan` when asked with `reservationScope=AzurePlan`; without the parameter Partner Center answers
 * the availabilities for Microsoft Azure (MS-AZR-0145P) subscriptions, which have other ids. Only reservations
 * have a scope.
 */
export type ReservationScope = 'AzurePlan' | 'MicrosoftAzure';

/** `reservationScope` as a query gives it (case-insensitive); anything else is the 0145P default. */
export function reservationScopeFrom(query: string | null): ReservationScope {
  return query?.toLowerCase() === 'azureplan' ? 'AzurePlan' : 'MicrosoftAzure';
}

export function availabilityId(
  productId: string,
  country: string,
  generation: number,
  scope: ReservationScope = 'AzurePlan',
): string {
  const scoped = productId === RESERVATION_PRODUCT_ID && scope === 'MicrosoftAzure';
  const documented = scoped ? undefined : documentedAvailabilityIds[productId]?.[country];
  if (documented && generation === 0) return documented;
  const digest = createHash('sha256')
    .update(`${productId}:${country}:${generation}${scoped ? ':MS-AZR-0145P' : ''}`)
    .digest();
  const alphabet = '0123456789BCDFGHJKLMNPQRSTVWXZ';
  let id = 'DZH3';
  for (let index = 0; index < 8; index += 1) id += alphabet[digest[index]! % alphabet.length];
  return id;
}

export interface CatalogProduct {
  productId: string;
  kind: ProductKind;
  title: string;
  description: string;
  targetView: string;
}

export const products: CatalogProduct[] = [
  {
    productId: AZURE_PLAN_PRODUCT_ID,
    kind: 'azurePlan',
    title: 'Microsoft Azure plan',
    description: 'Microsoft Azure plan (MS-AZR-0017G)',
    targetView: 'MicrosoftAzure',
  },
  {
    productId: RESERVATION_PRODUCT_ID,
    kind: 'reservation',
    title: 'Reserved VM Instance, Standard_B1s',
    description: 'Azure reserved virtual machine instance, bought against an Azure plan.',
    targetView: 'AzureReservationsVM',
  },
];

export function findProduct(productId: string): CatalogProduct | undefined {
  return products.find((product) => product.productId.toLowerCase() === productId.toLowerCase());
}

export function productView(product: CatalogProduct, country: string): Record<string, unknown> {
  return {
    id: product.productId,
    title: product.title,
    description: product.description,
    productType: { id: 'Azure', displayName: 'Azure' },
    links: {
      skus: link(`/products/${product.productId}/skus?country=${country}`),
      self: link(`/products/${product.productId}?country=${country}`),
    },
    attributes: { objectType: 'Product' },
  };
}

/** The documented Azure plan SKU (PCD `get-a-list-of-products-by-customer.md`), and a reservation SKU like it. */
export function skuView(product: CatalogProduct, country: string): Record<string, unknown> {
  const isPlan = product.kind === 'azurePlan';
  return {
    id: SKU_ID,
    productId: product.productId,
    title: product.title,
    description: product.description,
    minimumQuantity: 1,
    maximumQuantity: isPlan ? 1 : 10,
    isTrial: false,
    supportedBillingCycles: ['one_time'],
    purchasePrerequisites: isPlan ? ['MicrosoftCustomerAgreement'] : [],
    inventoryVariables: [],
    provisioningVariables: isPlan ? [] : ['Scope', 'SubscriptionId', 'Duration'],
    actions: ['Refund'],
    dynamicAttributes: isPlan ? { isMicrosoftProduct: true, pilotProgram: 'modernazurepilot' } : {},
    links: {
      availabilities: link(
        `/products/${product.productId}/skus/${SKU_ID}/availabilities?country=${country}&targetSegment=Commercial`,
      ),
      self: link(`/products/${product.productId}/skus/${SKU_ID}?country=${country}`),
    },
    attributes: { objectType: 'Sku' },
  };
}

export function availabilityView(
  product: CatalogProduct,
  country: string,
  id: string,
): Record<string, unknown> {
  const isPlan = product.kind === 'azurePlan';
  return {
    id,
    productId: product.productId,
    skuId: SKU_ID,
    catalogItemId: `${product.productId}:${SKU_ID}:${id}`,
    defaultCurrency: { code: country === 'GB' ? 'GBP' : 'USD', symbol: country === 'GB' ? '£' : '$' },
    segment: 'commercial',
    country,
    isPurchasable: true,
    isRenewable: false,
    terms: isPlan ? [] : [{ duration: 'P1Y', description: '1 Year Prepaid' }],
    product: { id: product.productId, title: product.title },
    sku: { id: SKU_ID, title: product.title },
    links: {
      self: link(`/products/${product.productId}/skus/${SKU_ID}/availabilities/${id}?country=${country}`),
    },
    attributes: { objectType: 'Availability' },
  };
}

export interface ResolvedCatalogItem {
  kind: ProductKind;
  offerId: string;
  friendlyName: string;
  /** Availability id of the item, to detect stale ones; absent for the legacy offer. */
  availabilityId?: string;
  productId?: string;
}

/** Splits `product:sku:availability`; the legacy offer id has no parts. Unknown items give undefined. */
export function parseCatalogItemId(catalogItemId: string): ResolvedCatalogItem | undefined {
  if (catalogItemId.toUpperCase() === LEGACY_AZURE_OFFER_ID) {
    return { kind: 'legacyAzure', offerId: LEGACY_AZURE_OFFER_ID, friendlyName: 'Microsoft Azure' };
  }
  const [productId, skuId, availability] = catalogItemId.split(':');
  const product = productId ? findProduct(productId) : undefined;
  if (!product || skuId !== SKU_ID || !availability) return undefined;
  return {
    kind: product.kind,
    offerId: `${product.productId}:${SKU_ID}:${availability}`,
    friendlyName: product.kind === 'azurePlan' ? 'Azure plan' : product.title,
    availabilityId: availability,
    productId: product.productId,
  };
}
