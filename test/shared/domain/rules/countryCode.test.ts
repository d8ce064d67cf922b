import { describe, expect, it } from 'vitest';

import { customerRequestSchema } from '../../../../shared/domain/api/customer';
import { countryCodeSchema, isCountryCode } from '../../../../shared/domain/rules/countryCode';
import { loadMarketCatalogue } from '../../../../shared/platform/markets';

const aCustomerRequest = {
  companyName: 'Contoso Ltd',
  relationship: 'direct',
  primaryContact: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@contoso.example' },
};

describe('a country code', () => {
  it('is any ISO 3166-1 alpha-2 country, in any case, stored upper-case', () => {
    expect(countryCodeSchema.parse('de')).toBe('DE');
    expect(countryCodeSchema.parse('KP')).toBe('KP');
    expect(countryCodeSchema.parse('AQ')).toBe('AQ');
  });

  it('includes Kosovo (XK), as Microsoft and the EU use it', () => {
    expect(countryCodeSchema.parse('XK')).toBe('XK');
  });

  it('is not an unassigned, private-use, reserved or withdrawn code', () => {
    for (const code of ['XX', 'AA', 'ZZ', 'QO', 'XA', 'EU', 'UN', 'UK', 'YU', 'CS', 'AN', 'D1', 'DEU', '']) {
      expect(countryCodeSchema.safeParse(code).success, code).toBe(false);
    }
  });

  it('covers every market the Azure plan and Azure reservations lists name', () => {
    const markets = loadMarketCatalogue();
    const listed = [...markets.azurePlan, ...markets.reservationsUnavailable];
    expect(listed.filter((code) => !isCountryCode(code))).toEqual([]);
  });

  it('is checked when a customer is registered, with the field named', () => {
    const refused = customerRequestSchema.safeParse({ ...aCustomerRequest, country: 'XX' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((issue) => issue.path)).toEqual([['country']]);
    expect(customerRequestSchema.parse({ ...aCustomerRequest, country: 'kp' }).country).toBe('KP');
  });
});
