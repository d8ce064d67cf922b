import { beforeEach, describe, expect, it } from 'vitest';

import {
  startAzurePlanPurchase,
  type StartAzurePlanPurchaseDependencies,
  type StartAzurePlanPurchaseRequest,
} from '../../orchestrations/purchase/startAzurePlanPurchase';
import { type CustomerRepository } from '../../shared/customers/customerRepository';
import { type CustomerDocument } from '../../shared/domain/documents/documents';
import { AppError } from '../../shared/domain/errors';
import { aContact, aCustomer } from '../support/fixtures';
import { createInMemoryCustomerRepository } from '../support/inMemory/inMemoryRepositories';
import {
  createInMemoryWorkflowClient,
  type InMemoryWorkflowClient,
} from '../support/inMemory/inMemoryWorkflowClient';

/**
 * The purchase start as a use case, over an in-memory customer repository and workflow client: the checks of the
 * contract in their order, the claim of the customer's one-at-a-time slot, and the workflow it starts.
 */

const now = new Date('2026-03-02T09:00:00.000Z');
const attest = { method: 'attest', primaryContact: aContact, dateAgreed: '2026-01-05' } as const;

let customers: CustomerRepository;
let workflows: InMemoryWorkflowClient;
let mcaAtPartnerCenter: 'accepted' | 'not accepted';
let deps: StartAzurePlanPurchaseDependencies;

beforeEach(async () => {
  customers = createInMemoryCustomerRepository();
  workflows = createInMemoryWorkflowClient(() => now);
  mcaAtPartnerCenter = 'not accepted';
  deps = {
    customers,
    clock: { now: () => now },
    azurePlanMarkets: new Set(['DE']),
    withMcaFromPartnerCenter: (customer: CustomerDocument) =>
      Promise.resolve(
        mcaAtPartnerCenter === 'accepted' ? { ...customer, mca: { accepted: true as const } } : customer,
      ),
  };
  await customers.create(aCustomer({ mca: { accepted: false } }));
});

function start(request: Partial<StartAzurePlanPurchaseRequest> = {}) {
  return startAzurePlanPurchase(deps, workflows, {
    customerId: 'contoso',
    requestedBy: { userId: 'sally' },
    correlationId: 'correlation-1',
    ...request,
  });
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).code;
}

describe('starting an Azure plan purchase', () => {
  it('claims the customer and starts the purchase workflow with what was decided', async () => {
    const started = await start({ mca: attest });

    expect(started.status).toBe('validating');
    expect(started.purchaseId).toMatch(/^[0-9a-f-]{36}$/);
    expect(workflows.started).toHaveLength(1);
    expect(workflows.started[0]).toMatchObject({
      instanceId: started.purchaseId,
      name: 'azurePlanPurchase',
      input: {
        purchaseId: started.purchaseId,
        customerId: 'contoso',
        requestedBy: { userId: 'sally' },
        correlationId: 'correlation-1',
        // The day of the acceptance, as midnight UTC (Partner Center's dateAgreed).
        mca: { method: 'attest', primaryContact: aContact, dateAgreed: '2026-01-05T00:00:00.000Z' },
      },
    });
    expect((await customers.get('contoso'))?.workInProgress).toEqual({
      kind: 'purchase',
      id: started.purchaseId,
      startedAt: now.toISOString(),
    });
  });

  it('refuses a customer nobody registered (CustomerNotFound) and starts nothing', async () => {
    expect(await refusal(start({ customerId: 'nobody', mca: attest }))).toBe('CustomerNotFound');
    expect(workflows.started).toEqual([]);
  });

  it('refuses while another purchase of the customer runs (OrderInProgress), leaving its slot alone', async () => {
    const first = await start({ mca: attest });

    expect(await refusal(start({ mca: attest }))).toBe('OrderInProgress');
    expect(workflows.started.map((instance) => instance.instanceId)).toEqual([first.purchaseId]);
    expect((await customers.get('contoso'))?.workInProgress?.id).toBe(first.purchaseId);
  });

  it('takes over the slot of a purchase that ended without freeing it', async () => {
    const first = await start({ mca: attest });
    workflows.finish(first.purchaseId, 'Failed');

    const second = await start({ mca: attest });

    expect(second.purchaseId).not.toBe(first.purchaseId);
    expect((await customers.get('contoso'))?.workInProgress?.id).toBe(second.purchaseId);
  });

  it('refuses a customer without the MCA when neither we nor Partner Center know of it (McaNotAccepted)', async () => {
    expect(await refusal(start())).toBe('McaNotAccepted');
    expect(workflows.started).toEqual([]);
    expect((await customers.get('contoso'))?.workInProgress).toBeNull();
  });

  it('goes on without an mca option when Partner Center knows the customer accepted', async () => {
    mcaAtPartnerCenter = 'accepted';

    const started = await start();

    expect(workflows.started[0]?.input).toMatchObject({
      purchaseId: started.purchaseId,
      mca: { method: 'alreadyAccepted' },
    });
  });

  it('refuses an attestation for the customer of an indirect reseller (ResellerCannotAttest)', async () => {
    await customers.create(
      aCustomer({
        id: 'resold',
        customerId: 'resold',
        relationship: 'indirectReseller',
        mca: { accepted: false },
      }),
    );
    expect(await refusal(start({ customerId: 'resold', mca: attest }))).toBe('ResellerCannotAttest');
    expect(workflows.started).toEqual([]);
  });

  it('answers the same purchase again for the same purchase id, starting it once', async () => {
    const first = await start({ mca: attest, purchaseId: 'purchase-1' });
    const again = await start({ mca: attest, purchaseId: 'purchase-1' });

    expect(first).toEqual({ purchaseId: 'purchase-1', status: 'validating' });
    expect(again).toEqual({ purchaseId: 'purchase-1', status: 'validating' });
    expect(workflows.started).toHaveLength(1);
  });

  it('frees the slot again when the workflow cannot be started', async () => {
    const failing = { ...workflows, start: () => Promise.reject(new Error('the task hub is down')) };

    await expect(
      startAzurePlanPurchase(deps, failing, {
        customerId: 'contoso',
        mca: attest,
        requestedBy: { userId: 'sally' },
        correlationId: 'correlation-1',
      }),
    ).rejects.toThrow('the task hub is down');
    expect((await customers.get('contoso'))?.workInProgress).toBeNull();
  });
});
