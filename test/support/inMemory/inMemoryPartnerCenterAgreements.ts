import { PartnerCenterError } from '../../../shared/gateways/partnerCenter/partnerCenterError';
import { type AttestationInput, type McaPort } from '../../../shared/gateways/partnerCenter/ports';
import { type Agreement } from '../../../shared/gateways/partnerCenter/schemas';

export const inMemoryMcaTemplateId = '117a77b0-9360-443b-8795-c6dedc750cf9';

/**
 * Partner Center's MCA calls without Partner Center, for use-case, activity and handler tests: agreements per
 * customer (the same contact again is 600061, as Partner Center answers), the direct-sign flag, and switches that
 * play an outage or throttling. The gateway's contract tests prove the real adapter against the simulator.
 */
export function createInMemoryPartnerCenterAgreements() {
  const byCustomer = new Map<string, Agreement[]>();
  const directlySigned = new Set<string>();
  let failure: (() => PartnerCenterError) | undefined;
  const calls = { attest: 0, list: 0, directSign: 0 };

  const failIfTold = () => {
    if (failure) throw failure();
  };

  const port: McaPort = {
    getMcaMetadata() {
      failIfTold();
      return Promise.resolve({
        templateId: inMemoryMcaTemplateId,
        agreementType: 'MicrosoftCustomerAgreement',
      });
    },
    listMcaAgreements(customerId) {
      calls.list++;
      failIfTold();
      return Promise.resolve([...(byCustomer.get(customerId) ?? [])]);
    },
    createAttestation(customerId, input, context) {
      calls.attest++;
      failIfTold();
      const held = byCustomer.get(customerId) ?? [];
      if (
        held.some(
          (agreement) => JSON.stringify(agreement.primaryContact) === JSON.stringify(input.primaryContact),
        )
      ) {
        return Promise.reject(
          new PartnerCenterError({
            kind: 'Rejected',
            httpStatus: 409,
            partnerCenterCode: 600061,
            message: 'A partner confirmed agreement already exists for the customer.',
            isRetryable: false,
            requestId: context.stepKey,
          }),
        );
      }
      return Promise.resolve(hold(customerId, input, 'partner-user'));
    },
    isDirectlySigned(customerId) {
      calls.directSign++;
      failIfTold();
      return Promise.resolve(directlySigned.has(customerId));
    },
  };

  function hold(customerId: string, input: AttestationInput, userId: string | null): Agreement {
    const agreement: Agreement = {
      userId,
      primaryContact: input.primaryContact,
      templateId: input.templateId,
      dateAgreed: input.dateAgreed,
      type: 'MicrosoftCustomerAgreement',
      agreementLink: 'https://aka.ms/customeragreement',
    };
    byCustomer.set(customerId, [...(byCustomer.get(customerId) ?? []), agreement]);
    return agreement;
  }

  return {
    ...port,
    calls,
    /** What Partner Center holds for the customer. */
    agreementsOf: (customerId: string): Agreement[] => byCustomer.get(customerId) ?? [],
    /** An attestation made elsewhere (the Partner Center portal, another tool): listed without `userId`. */
    holdAttestedElsewhere: (customerId: string, input: Omit<AttestationInput, 'templateId'>) =>
      hold(customerId, { ...input, templateId: inMemoryMcaTemplateId }, null),
    signDirectly: (customerId: string) => directlySigned.add(customerId),
    /** Every call fails as given until `recover()`. */
    failWith: (error: () => PartnerCenterError) => {
      failure = error;
    },
    recover: () => {
      failure = undefined;
    },
  };
}

export const anOutage = () =>
  new PartnerCenterError({
    kind: 'Unavailable',
    httpStatus: 503,
    message: 'Service Unavailable',
    isRetryable: true,
  });

export const aThrottle = (retryAfterMs: number) => () =>
  new PartnerCenterError({
    kind: 'Throttled',
    httpStatus: 429,
    message: 'Rate limit is exceeded',
    isRetryable: true,
    retryAfterMs,
  });
