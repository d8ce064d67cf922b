import { describe, expect, it } from 'vitest';

import { attestationRequestSchema, dateAgreedSchema } from '../../../../shared/domain/api/agreement';
import { partnerAttestationId } from '../../../../shared/domain/rules/mcaAgreement';

const aContact = { firstName: 'Grace', lastName: 'Hopper', email: 'grace@contoso.example' };

describe('MCA agreements', () => {
  it('gives the same contact written differently the same attestation id', () => {
    expect(
      partnerAttestationId({ firstName: ' grace ', lastName: 'HOPPER', email: 'Grace@Contoso.example' }),
    ).toBe(partnerAttestationId(aContact));
  });

  it('gives a changed contact another attestation id', () => {
    expect(partnerAttestationId({ ...aContact, email: 'g.hopper@contoso.example' })).not.toBe(
      partnerAttestationId(aContact),
    );
  });

  it('takes dateAgreed as a UTC date-time or a plain date', () => {
    expect(dateAgreedSchema.parse('2026-02-01T10:00:00+02:00')).toBe('2026-02-01T08:00:00.000Z');
    expect(dateAgreedSchema.parse('2026-02-01')).toBe('2026-02-01T00:00:00.000Z');
    expect(dateAgreedSchema.safeParse('yesterday').success).toBe(false);
  });

  it('accepts only the Microsoft Customer Agreement, with no extra fields', () => {
    const valid = { type: 'MicrosoftCustomerAgreement', primaryContact: aContact, dateAgreed: '2026-02-01' };
    expect(attestationRequestSchema.safeParse(valid).success).toBe(true);
    expect(attestationRequestSchema.safeParse({ ...valid, type: 'MicrosoftCloudAgreement' }).success).toBe(
      false,
    );
    expect(attestationRequestSchema.safeParse({ ...valid, userId: 'someone-else' }).success).toBe(false);
  });
});
