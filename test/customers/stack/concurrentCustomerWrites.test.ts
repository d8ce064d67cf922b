import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { mapWithConcurrency } from '../../../shared/platform/mapWithConcurrency';
import { aBillingAddress } from '../../support/fixtures';
import { startService, type TestService } from '../../support/service';

const salesAgent = { roles: ['SalesAgent' as const] };
const aContact = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@contoso.example' };

describe('concurrent writes of one customer', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startService();
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('answers 32 parallel PUTs of one customer (16 in flight) without a 5xx, and keeps one of the bodies', async () => {
    const customerId = 'crowded-customer';
    const companyNames = Array.from({ length: 32 }, (_, index) => `Crowded ${index} Ltd`);

    const responses = await mapWithConcurrency(companyNames, 16, (companyName) =>
      service.call('PUT', `/api/customers/${customerId}`, {
        as: salesAgent,
        body: { companyName, country: 'DE', primaryContact: aContact, billingAddress: aBillingAddress('DE') },
      }),
    );

    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    // A write that still loses is the declared conflict, as problem+json with its code.
    for (const response of responses.filter(({ status }) => status === 409)) {
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body).toMatchObject({ code: 'ConcurrentUpdate' });
    }
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    const stored = await service.call<{ companyName: string }>('GET', `/api/customers/${customerId}`, {
      as: salesAgent,
    });
    expect(companyNames).toContain(stored.body.companyName);
  });
});
