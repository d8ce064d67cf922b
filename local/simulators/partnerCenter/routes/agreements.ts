import { randomUUID } from 'node:crypto';

import { createAgreementBody } from '../bodies';
import { collection, errorA, errorB, json, link, type SimResponse } from '../responses';
import type { Agreement, Customer } from '../state';
import { agreementView } from '../views';
import {
  type CallContext,
  CLOUD_AGREEMENT,
  CLOUD_AGREEMENT_TEMPLATE_ID,
  isParsed,
  MCA,
  MCA_TEMPLATE_ID,
  parse,
  type Route,
} from './route';
import type { Simulation } from './simulation';

/** Agreements: metadata, the partner's attestation of the MCA, the list, direct-sign status (reference §3.2–3.5). */
export function agreementRoutes(sim: Simulation): Route[] {
  const { state, forCustomer } = sim;

  function agreementMetadata(call: CallContext): SimResponse {
    const type = call.query.get('agreementType') ?? CLOUD_AGREEMENT;
    const items =
      type.toLowerCase() === MCA.toLowerCase()
        ? [
            {
              templateId: MCA_TEMPLATE_ID,
              agreementType: MCA,
              agreementLink: 'https://aka.ms/customeragreement',
              versionRank: 0,
            },
          ]
        : type.toLowerCase() === CLOUD_AGREEMENT.toLowerCase()
          ? [
              {
                templateId: CLOUD_AGREEMENT_TEMPLATE_ID,
                agreementType: CLOUD_AGREEMENT,
                agreementLink: 'https://learn.microsoft.com/partner-center/agreements',
                versionRank: 0,
              },
            ]
          : [];
    return json(200, collection(items, { links: { self: link('/agreements') } }));
  }

  function createAgreement(call: CallContext, customer: Customer): SimResponse {
    const body = parse(createAgreementBody, call.body);
    if (!isParsed(body)) return body;
    const input = body.value;
    if (Date.parse(input.dateAgreed) > call.now.getTime()) {
      return errorB(
        400,
        600002,
        'InvalidDateAgreed',
        'Date of agreement cannot be greater than the current date.',
      );
    }
    const template = input.templateId.toLowerCase();
    if (template !== MCA_TEMPLATE_ID && template !== CLOUD_AGREEMENT_TEMPLATE_ID) {
      return errorA(
        400,
        800002,
        `Invalid request input. Template ID '${input.templateId}' is not a known agreement template.`,
      );
    }
    // A Cloud Agreement template with type MCA is stored as a Cloud Agreement without user (Partner-Center-Java#86).
    const isMca = template === MCA_TEMPLATE_ID && input.type === MCA;
    const type = isMca ? MCA : CLOUD_AGREEMENT;
    const duplicate = state
      .all('agreements')
      .some(
        (agreement) =>
          agreement.customerId === customer.id &&
          agreement.type === type &&
          JSON.stringify(agreement.primaryContact) === JSON.stringify(input.primaryContact),
      );
    if (duplicate) {
      return errorB(
        409,
        600061,
        'PartnerConfirmedAgreementAlreadyExists',
        'A partner confirmed agreement already exists for the customer.',
      );
    }
    const agreement: Agreement = {
      id: randomUUID(),
      customerId: customer.id,
      userId: isMca ? (call.userId ?? null) : null,
      primaryContact: input.primaryContact,
      templateId: isMca ? MCA_TEMPLATE_ID : CLOUD_AGREEMENT_TEMPLATE_ID,
      dateAgreed: new Date(input.dateAgreed).toISOString(),
      type,
    };
    state.put('agreements', agreement);
    return json(201, agreementView(agreement, true));
  }

  function listAgreements(call: CallContext, customer: Customer): SimResponse {
    // Without agreementType Partner Center returns Cloud Agreements only (Partner-Center-PowerShell#253).
    const type = (call.query.get('agreementType') ?? CLOUD_AGREEMENT).toLowerCase();
    const items = state
      .all('agreements')
      .filter(
        (agreement) =>
          agreement.customerId === customer.id && (type === 'all' || agreement.type.toLowerCase() === type),
      )
      .map((agreement) => agreementView(agreement, false));
    return json(200, collection(items));
  }
  return [
    {
      method: 'GET',
      template: '/v1/agreements',
      resource: 'agreements',
      appUserOnly: true,
      handle: agreementMetadata,
    },
    {
      method: 'POST',
      template: '/v1/customers/{customerId}/agreements',
      resource: 'agreements',
      appUserOnly: true,
      handle: forCustomer(createAgreement),
    },
    {
      method: 'GET',
      template: '/v1/customers/{customerId}/agreements',
      resource: 'agreements',
      appUserOnly: true,
      handle: forCustomer(listAgreements),
    },
    {
      method: 'GET',
      template: '/v1/customers/{customerId}/directSignedMicrosoftCustomerAgreementStatus',
      resource: 'agreements',
      appUserOnly: true,
      handle: forCustomer((_call, customer) => json(200, { isSigned: customer.directSigned })),
    },
  ];
}
