import { describe, expect, it } from 'vitest';

import { nameBasedUuid } from '../../../../shared/domain/rules/nameBasedUuid';

const dnsNamespace = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

describe('nameBasedUuid', () => {
  it('computes the RFC 9562 version 5 UUID', () => {
    // The well-known value for www.example.com in the DNS namespace (Python's uuid.uuid5 agrees).
    expect(nameBasedUuid(dnsNamespace, 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => nameBasedUuid('not-a-uuid', 'x')).toThrow(RangeError);
  });
});
