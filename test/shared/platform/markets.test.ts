import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadMarketCatalogue } from '../../../shared/platform/markets';

const shippedFile = join(__dirname, '..', '..', '..', 'data', 'azure-plan-markets.json');
const shipped = JSON.parse(readFileSync(shippedFile, 'utf8')) as {
  count: number;
  countries: { code: string }[];
};

describe('market lists', () => {
  it('loads exactly the number of Azure plan markets its file declares', () => {
    const catalogue = loadMarketCatalogue();
    expect(shipped.count).toBe(142);
    expect(catalogue.azurePlan.size).toBe(shipped.count);
    expect(catalogue.azurePlan.has('DE')).toBe(true);
    expect(catalogue.azurePlan.has('AQ')).toBe(false);
  });

  it('loads the 110 markets where Azure reservations are not sold (107 distinct ISO codes)', () => {
    const catalogue = loadMarketCatalogue();
    expect(catalogue.reservationsUnavailableList.countries).toHaveLength(110);
    expect(catalogue.reservationsUnavailable.size).toBe(107);
    expect(catalogue.reservationsUnavailable.has('BQ')).toBe(true);
  });

  it("replaces the Azure plan list with a partner's file", () => {
    const file = join(mkdtempSync(join(tmpdir(), 'markets-')), 'markets.json');
    writeFileSync(
      file,
      JSON.stringify({
        source: 'test',
        count: 2,
        countries: [
          { code: 'DE', name: 'Germany' },
          { code: 'FR', name: 'France' },
        ],
      }),
    );
    const catalogue = loadMarketCatalogue(file);
    expect([...catalogue.azurePlan]).toEqual(['DE', 'FR']);
  });

  it('refuses a list whose entries do not match its declared count', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'markets-')), 'markets.json');
    writeFileSync(
      file,
      JSON.stringify({ source: 'test', count: 139, countries: [{ code: 'DE', name: 'Germany' }] }),
    );
    expect(() => loadMarketCatalogue(file)).toThrow(/declares 139 markets but holds 1$/);
  });
});
