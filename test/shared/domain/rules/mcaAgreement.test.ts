import { describe, expect, it } from 'vitest';

import { attestationRequestSchema, dateAgreedSchema } from '../../../../shared/domain/api/agreement';
import {
  isSameAcceptance,
  partnerAttestationId,
  partnerCenterDateAgreed,
  utcDateTimeOf,
} from '../../../../shared/domain/rules/mcaAgreement';

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

  it('reads Partner Center’s dateAgreed without an offset as UTC, and sends midnight UTC of the day', () => {
    expect(utcDateTimeOf('2019-08-26T00:00:00')).toBe('2019-08-26T00:00:00.000Z');
    expect(utcDateTimeOf('2026-02-01T01:00:00+02:00')).toBe('2026-01-31T23:00:00.000Z');
    expect(partnerCenterDateAgreed('2026-02-01T01:00:00+02:00')).toBe('2026-01-31T00:00:00Z');
  });

  it('takes ours and Partner Center’s agreement as one acceptance when the same person agreed the same day', () => {
    const ours = { primaryContact: aContact, dateAgreed: '2026-02-01T10:00:00.000Z' };
    const shouted = { ...aContact, email: aContact.email.toUpperCase() };
    expect(isSameAcceptance(ours, { primaryContact: shouted, dateAgreed: '2026-02-01T00:00:00' })).toBe(true);
    expect(isSameAcceptance(ours, { primaryContact: aContact, dateAgreed: '2026-02-02T00:00:00' })).toBe(
      false,
    );
  });
});
