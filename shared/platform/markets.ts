import { readFileSync } from 'node:fs';

import { z } from 'zod';

import shippedAzurePlanMarkets from '../../data/azure-plan-markets.json';
import shippedReservationsUnavailable from '../../data/reservations-unavailable-markets.json';

/** A market list file: where it came from, how many entries it declares, and the entries. */
export const marketListSchema = z.object({
  source: z.string(),
  retrieved: z.string().optional(),
  note: z.string().optional(),
  count: z.number().int().nonnegative(),
  countries: z.array(z.object({ code: z.string().regex(/^[A-Z]{2}$/), name: z.string().min(1) })),
});

export type MarketList = z.infer<typeof marketListSchema>;

export interface MarketCatalogue {
  /** Countries (ISO 3166-1 alpha-2) where the Azure plan is sold. */
  azurePlan: ReadonlySet<string>;
  /** Countries where Azure reservations are not sold. */
  reservationsUnavailable: ReadonlySet<string>;
  azurePlanList: MarketList;
  reservationsUnavailableList: MarketList;
}

/**
 * Parses a list and insists that it holds exactly the entries it declares. Entries are the source's market
 * names, so two may share an ISO code (Bonaire, Saba and Sint Eustatius are all BQ).
 */
export function parseMarketList(raw: unknown, origin: string): MarketList {
  const list = marketListSchema.parse(raw);
  if (list.countries.length !== list.count) {
    throw new Error(`${origin} declares ${list.count} markets but holds ${list.countries.length}`);
  }
  return list;
}

/**
 * The shipped lists, or Microsoft's current Azure plan list when a partner points AZURE_PLAN_MARKETS_FILE at it.
 */
export function loadMarketCatalogue(azurePlanMarketsFile?: string): MarketCatalogue {
  const azurePlanList = azurePlanMarketsFile
    ? parseMarketList(JSON.parse(readFileSync(azurePlanMarketsFile, 'utf8')), azurePlanMarketsFile)
    : parseMarketList(shippedAzurePlanMarkets, 'data/azure-plan-markets.json');
  const unavailable = parseMarketList(
    shippedReservationsUnavailable,
    'data/reservations-unavailable-markets.json',
  );
  return {
    azurePlan: new Set(azurePlanList.countries.map((country) => country.code)),
    reservationsUnavailable: new Set(unavailable.countries.map((country) => country.code)),
    azurePlanList,
    reservationsUnavailableList: unavailable,
  };
}
