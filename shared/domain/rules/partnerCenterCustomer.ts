import { type CustomerRequest } from '../api/customer';
import { type FieldError } from '../errors';

/*
 * What Partner Center needs to create a customer (PCD `create-a-customer.md` 07/28/2023, `customer-resources.md`,
 * `error-codes.md` 06/15/2023): a valid physical address, the organisation registration number where the country
 * requires it (and only there), a phone number in the countries of 600051. The service refuses a creation that
 * lacks them with a 400 naming the field, before Partner Center is asked; it never invents a value.
 */

/**
 * Countries where `companyProfile.organizationRegistrationNumber` is required. The customer-resource page lists
 * these 24; the older error-code table (600049, 600002) lists only the first twelve. The longer, newer list wins:
 * requiring the number where Partner Center might not is a 400 the partner can answer, while omitting it where
 * Partner Center requires it fails the creation there.
 */
export const registrationNumberCountries: ReadonlySet<string> = new Set([
  'AM', 'AZ', 'BY', 'HU', 'KZ', 'KG', 'MD', 'RU', 'TJ', 'UZ', 'UA', 'IN',
  'BR', 'ZA', 'PL', 'AE', 'SA', 'TR', 'TH', 'VN', 'MM', 'IQ', 'SS', 'VE',
]); // prettier-ignore

/** Countries where `billingProfile.defaultAddress.phoneNumber` is required (600051). */
export const phoneNumberCountries: ReadonlySet<string> = new Set([
  'AM', 'AZ', 'BY', 'HU', 'IN', 'KZ', 'KG', 'MD', 'RU', 'TJ', 'UZ', 'UA',
]); // prettier-ignore

/** What is missing (or not accepted) for Partner Center to create the customer from this request; empty when none. */
export function customerCreationProblems(request: CustomerRequest): FieldError[] {
  const address = request.billingAddress;
  if (address === undefined) {
    return [
      {
        pointer: '/billingAddress',
        detail:
          'Partner Center creates this customer and needs its billing address { addressLine1, city, postalCode, ' +
          'state?, country }; or give tenantId to link a customer Partner Center has.',
      },
    ];
  }
  const problems: FieldError[] = [];
  const country = address.country;
  if (country !== request.country) {
    // Partner Center sells in the address's country: another `country` would buy in the wrong market.
    problems.push({
      pointer: '/billingAddress/country',
      detail: `The billing address is in ${country}, the customer in ${request.country}; they must agree.`,
    });
  }
  if (registrationNumberCountries.has(country) && !request.organizationRegistrationNumber) {
    problems.push({
      pointer: '/organizationRegistrationNumber',
      detail: `Partner Center requires the organisation registration number for a customer in ${country}.`,
    });
  }
  if (!registrationNumberCountries.has(country) && request.organizationRegistrationNumber) {
    problems.push({
      pointer: '/organizationRegistrationNumber',
      detail: `Partner Center does not accept an organisation registration number for a customer in ${country} (600002).`,
    });
  }
  if (phoneNumberCountries.has(country) && !request.primaryContact.phoneNumber) {
    problems.push({
      pointer: '/primaryContact/phoneNumber',
      detail: `Partner Center requires a phone number for a customer in ${country} (600051).`,
    });
  }
  return problems;
}

/**
 * How the customer relates to the partner, from the request and Partner Center's answer together. Partner
 * Center's `relationshipToPartner` (`none`, `reseller`, `advisor`, `syndication`, `microsoft_support`) says how the
 * partner is licensed for the customer, not whether an indirect reseller serves it; its only sign of that is
 * `associatedPartnerId` (the indirect reseller, set by indirect providers). So the customer is an indirect
 * reseller's when the request says so OR Partner Center names an associated reseller. Neither side can turn an
 * indirect reseller's customer into a direct one: that would silently lift `ResellerCannotAttest` and let the
 * wrong partner attest the MCA, while a wrong `indirectReseller` only asks the indirect provider to attest.
 */
export function relationshipOf(
  requested: CustomerRequest['relationship'],
  atPartnerCenter: { associatedPartnerId?: string | null | undefined } | undefined,
): CustomerRequest['relationship'] {
  return requested === 'indirectReseller' || atPartnerCenter?.associatedPartnerId
    ? 'indirectReseller'
    : 'direct';
}
