import { randomBytes, randomUUID } from 'node:crypto';

import { camelCaseKeys, createCustomerBody } from '../bodies';
import { errorA, json } from '../responses';
import type { Customer, SimulatorState } from '../state';
import { customerView } from '../views';
import { type CallContext, isParsed, parse, type Route } from './route';
import type { Simulation } from './simulation';

/** A customer Partner Center already has; the simulator assigns its id (its tenant id), as Partner Center does. */
export interface SeedCustomer {
  country: string;
  companyName?: string;
  domain?: string;
  directSigned?: boolean;
  /** How the partner is licensed for the customer: one of `relationshipsToPartner` (default `reseller`). */
  relationshipToPartner?: RelationshipToPartner;
  /** The indirect reseller the customer buys through (what an indirect provider sets). */
  associatedPartnerId?: string;
}

/** The values of `relationshipToPartner` Partner Center documents (PCD `customer-resources.md`), and no others. */
export const relationshipsToPartner = [
  'none',
  'reseller',
  'advisor',
  'syndication',
  'microsoft_support',
] as const;
export type RelationshipToPartner = (typeof relationshipsToPartner)[number];

/**
 * Where `organizationRegistrationNumber` is required (PCD `customer-resources.md`; `error-codes.md` lists the first
 * twelve for 600049 and 600002) and where the address needs a phone number (600051).
 */
const REGISTRATION_NUMBER_COUNTRIES = new Set([
  'AM', 'AZ', 'BY', 'HU', 'KZ', 'KG', 'MD', 'RU', 'TJ', 'UZ', 'UA', 'IN',
  'BR', 'ZA', 'PL', 'AE', 'SA', 'TR', 'TH', 'VN', 'MM', 'IQ', 'SS', 'VE',
]); // prettier-ignore
const PHONE_NUMBER_COUNTRIES = new Set([
  'AM', 'AZ', 'BY', 'HU', 'IN', 'KZ', 'KG', 'MD', 'RU', 'TJ', 'UZ', 'UA',
]); // prettier-ignore

function newAdminPassword(): string {
  return randomBytes(12).toString('base64url');
}

/** Customers (reference §3.1 GET customer, §3.5 the invitation link, §3.15 delete in the sandbox) and creating one. */
export function customerRoutes(sim: Simulation): Route[] {
  const { state, behaviour, forCustomer } = sim;

  /** The partner's id in the invitation link; the token's tenant is not passed to handlers, so a fixed one. */
  const partnerIdOf = (_call: CallContext) => '3b33e682-00c3-41ee-9dd2-a548adf56438';

  return [
    {
      method: 'POST',
      template: '/v1/customers',
      resource: 'customers',
      handle(call) {
        const body = parse(createCustomerBody, camelCaseKeys(call.body));
        if (!isParsed(body)) return body;
        const { companyProfile, billingProfile, associatedPartnerId } = body.value;
        // Create customer is documented as idempotent: the same domain gives the same customer. Whether the repeat
        // shows the admin credentials again is not documented: it does not (the password is shown once).
        const existing = state
          .all('customers')
          .find((c) => c.domain.toLowerCase() === companyProfile.domain.toLowerCase());
        if (existing) return json(201, customerView(existing));
        const { country, ...address } = billingProfile.defaultAddress;
        const registrationNumber = companyProfile.organizationRegistrationNumber;
        if (REGISTRATION_NUMBER_COUNTRIES.has(country) && !registrationNumber) {
          return errorA(400, 600049, 'Organization registration ID information is missing.');
        }
        if (!REGISTRATION_NUMBER_COUNTRIES.has(country) && registrationNumber) {
          return errorA(400, 600002, "Organization registration ID value isn't supported.");
        }
        if (PHONE_NUMBER_COUNTRIES.has(country) && !(address as Record<string, string>).phoneNumber) {
          return errorA(400, 600051, 'Customer phone number is missing.');
        }
        const customer = seedCustomer(
          state,
          {
            country,
            companyName: billingProfile.companyName,
            domain: companyProfile.domain,
            ...(associatedPartnerId ? { associatedPartnerId } : {}),
          },
          {
            email: billingProfile.email,
            culture: billingProfile.culture,
            language: billingProfile.language,
            address,
            firstName: billingProfile.firstName ?? '',
            lastName: billingProfile.lastName ?? '',
            ...(registrationNumber ? { organizationRegistrationNumber: registrationNumber } : {}),
          },
        );
        return json(201, {
          ...customerView(customer),
          userCredentials: { userName: 'admin', password: newAdminPassword() },
        });
      },
    },
    {
      // The invitation link a customer follows to accept a reseller relationship (PCD
      // `request-reseller-relationship.md`, reference §3.5). Listed before `/v1/customers/{customerId}`.
      method: 'GET',
      template: '/v1/customers/relationshiprequests',
      resource: 'customers',
      appUserOnly: true,
      handle(call) {
        return json(200, {
          url: `https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship&partnerId=${partnerIdOf(call)}&msppId=0&DAP=false#/BillingAccounts/partner-invitation`,
          attributes: { objectType: 'RelationshipRequest' },
        });
      },
    },
    {
      // Integration sandbox only (PCD `delete-a-customer-account-from-the-integration-sandbox.md`, §3.15): frees the
      // quota once nothing active remains. Partner Center refused a customer holding an Azure plan with a message
      // naming reserved instances (reference §5, issue 7; no code documented: 400 with code 0 here).
      method: 'DELETE',
      template: '/v1/customers/{customerId}',
      resource: 'customers',
      handle: forCustomer((call, customer) => {
        if (!behaviour.sandbox) {
          return errorA(403, 800019, 'Only integration sandbox customers can be deleted.');
        }
        const live = state
          .all('subscriptions')
          .filter(
            (subscription) => subscription.customerId === customer.id && subscription.status === 'active',
          );
        if (live.length > 0) {
          const orders = [...new Set(live.map((subscription) => subscription.orderId))].join(', ');
          return errorA(
            400,
            0,
            `Customer relationship cannot be removed due to active Azure reserved instances.Please cancel the following orders: ${orders}`,
          );
        }
        state.put('customers', { ...customer, deletedAt: call.now.toISOString() });
        return { status: 204, body: undefined };
      }),
    },
    {
      method: 'GET',
      template: '/v1/customers/{customerId}',
      resource: 'customers',
      handle: forCustomer((_call, customer) => json(200, customerView(customer))),
    },
  ];
}

export function seedCustomer(
  state: SimulatorState,
  input: SeedCustomer,
  profile: Partial<
    Pick<
      Customer,
      | 'email'
      | 'culture'
      | 'language'
      | 'address'
      | 'firstName'
      | 'lastName'
      | 'organizationRegistrationNumber'
    >
  > = {},
): Customer {
  // Partner Center assigns the id: a caller never chooses it (the service's own ids are not Partner Center's).
  const id = randomUUID();
  const domain = input.domain ?? `customer${id.slice(0, 8)}.onmicrosoft.com`;
  const customer: Customer = {
    id,
    commerceId: randomUUID(),
    companyName: input.companyName ?? `Customer ${id.slice(0, 8)}`,
    domain,
    email: profile.email ?? `admin@${domain}`,
    country: input.country.toUpperCase(),
    address: profile.address ?? {},
    billingProfileId: randomUUID(),
    firstName: profile.firstName ?? '',
    lastName: profile.lastName ?? '',
    culture: profile.culture ?? 'en-US',
    language: profile.language ?? 'en',
    relationshipToPartner: input.relationshipToPartner ?? 'reseller',
    directSigned: input.directSigned ?? false,
    ...(input.associatedPartnerId ? { associatedPartnerId: input.associatedPartnerId } : {}),
    ...(profile.organizationRegistrationNumber
      ? { organizationRegistrationNumber: profile.organizationRegistrationNumber }
      : {}),
  };
  state.put('customers', customer);
  return customer;
}
