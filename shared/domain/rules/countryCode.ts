import { z } from 'zod';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/**
 * Codes ICU names that are not ISO 3166-1 alpha-2 country codes: exceptionally reserved (EU, UN, UK, …),
 * transitionally reserved or withdrawn (AN, CS, YU, …) and private-use codes ICU uses for itself (QO, XA, XB, ZZ).
 * XK (Kosovo) is private-use too, but it is the code Microsoft, the EU and ISO's users agree on, so it stays valid.
 */
const namedButNotCountries: ReadonlySet<string> = new Set(
  'AC AN BU CP CQ CS DD DG DY EA EU EZ FX HV IC NH QO RH SU TA TP UK UN VD XA XB YD YU ZR ZZ'.split(' '),
);

/** Whether an upper-case two-letter code is an ISO 3166-1 alpha-2 country (Node ships full ICU). */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && !namedButNotCountries.has(code) && regionNames.of(code) !== undefined;
}

/**
 * A country as the API accepts it: an ISO 3166-1 alpha-2 code, any case, stored upper-case. Any real country is
 * accepted; whether the Azure plan is sold there is a purchase-time question (CountryNotAvailable).
 */
export const countryCodeSchema = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')
  .transform((code) => code.toUpperCase())
  .refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 country code')
  .meta({ description: 'ISO 3166-1 alpha-2 country code.', example: 'DE' });
