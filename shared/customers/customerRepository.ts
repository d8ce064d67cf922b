import { type Container } from '@azure/cosmos';

import {
  type AgreementDocument,
  type CustomerDocument,
  customerDocumentSchema,
  type WorkInProgress,
} from '../domain/documents/documents';
import { mcaSummaryOf } from '../domain/rules/mcaAgreement';
import { isCosmosStatus, readOrUndefined, toWritableDocument } from '../platform/cosmos/cosmosStatus';
import { lostRace, retryOnConflict } from '../platform/cosmos/retryOnConflict';

/**
 * The customer anchor document (`customers` container, id = partition key = customerId). Every write that depends
 * on what was read is conditional on its ETag, so concurrent writers never overwrite each other's changes.
 */
export function createCustomerRepository(container: Container) {
  const item = (customerId: string) => container.item(customerId, customerId);

  async function get(customerId: string): Promise<CustomerDocument | undefined> {
    const resource = await readOrUndefined(() => item(customerId).read());
    return resource === undefined ? undefined : customerDocumentSchema.parse(resource);
  }

  /** Creates the customer; `'exists'` when a customer with this id is already there. */
  async function create(document: CustomerDocument): Promise<CustomerDocument | 'exists'> {
    try {
      const { resource } = await container.items.create(toWritableDocument(document));
      return customerDocumentSchema.parse(resource);
    } catch (error) {
      if (isCosmosStatus(error, 409)) return 'exists';
      throw error;
    }
  }

  /** Replaces the customer if nobody changed it since it was read; `'changed'` otherwise. */
  async function replace(document: CustomerDocument): Promise<CustomerDocument | 'changed'> {
    try {
      const { resource } = await item(document.customerId).replace(toWritableDocument(document), {
        accessCondition: { type: 'IfMatch', condition: document._etag ?? '' },
      });
      return customerDocumentSchema.parse(resource);
    } catch (error) {
      if (isCosmosStatus(error, 412) || isCosmosStatus(error, 404)) return 'changed';
      throw error;
    }
  }

  /**
   * Read, change, write back conditionally, and start over when someone else wrote in between. `change` returns
   * `undefined` when there is nothing to write.
   */
  async function update(
    customerId: string,
    change: (customer: CustomerDocument) => CustomerDocument | undefined,
  ): Promise<CustomerDocument | undefined> {
    return retryOnConflict(`Customer ${customerId}`, async () => {
      const current = await get(customerId);
      if (current === undefined) return undefined;
      const next = change(current);
      if (next === undefined) return current;
      const written = await replace(next);
      return written === 'changed' ? lostRace : written;
    });
  }

  return {
    get,
    create,
    replace,
    update,

    /**
     * Every customer, by company name, at most `limit` (the console's customer list). A cross-partition query: a
     * partner's customers number in the hundreds or thousands, which one page of the list holds.
     */
    async list(limit: number): Promise<CustomerDocument[]> {
      const { resources } = await container.items
        .query<unknown>({
          query: "SELECT * FROM c WHERE c.docType = 'customer'",
        })
        .fetchAll();
      return resources
        .map((resource) => customerDocumentSchema.parse(resource))
        .sort(byCompanyName)
        .slice(0, limit);
    },

    /**
     * Customers whose work in progress was claimed before `before`, at most `limit`: what a crash may have stranded.
     * A cross-partition query, run only by the reconciliation timer.
     */
    async findWorkInProgressClaimedBefore(before: Date, limit: number): Promise<CustomerDocument[]> {
      const { resources } = await container.items
        .query<unknown>({
          query:
            // Customers stored before the rename hold the work in progress in `activePurchase` (customerDocumentSchema reads it).
            "SELECT * FROM c WHERE c.docType = 'customer' AND ((IS_OBJECT(c.workInProgress) AND c.workInProgress.startedAt < @before) OR (IS_OBJECT(c.activePurchase) AND c.activePurchase.startedAt < @before))",
          parameters: [{ name: '@before', value: before.toISOString() }],
        })
        .fetchAll();
      return resources.map((resource) => customerDocumentSchema.parse(resource)).slice(0, limit);
    },

    /**
     * Customers linked to Partner Center (with `partnerCenterCustomerId`) whose id sorts after `afterCustomerId`, in
     * id order, at most `limit`: the reconciliation compares their Azure plan with Partner Center's, a page per run.
     * A cross-partition query, run only by the reconciliation timer.
     */
    async findLinkedCustomers(afterCustomerId: string, limit: number): Promise<CustomerDocument[]> {
      const { resources } = await container.items
        .query<unknown>({
          query:
            "SELECT * FROM c WHERE c.docType = 'customer' AND IS_STRING(c.partnerCenterCustomerId) AND c.customerId > @after",
          parameters: [{ name: '@after', value: afterCustomerId }],
        })
        .fetchAll();
      return resources
        .map((resource) => customerDocumentSchema.parse(resource))
        .sort((a, b) => (a.customerId < b.customerId ? -1 : 1))
        .slice(0, limit);
    },

    /**
     * Takes the customer's work in progress for a purchase or a transition, conditional on the customer being as
     * it was read: of many concurrent claims exactly one wins, the others get `'changed'` and look again.
     */
    claimWorkInProgress(
      customer: CustomerDocument,
      claim: WorkInProgress & { correlationId: string },
    ): Promise<CustomerDocument | 'changed'> {
      return replace({
        ...customer,
        workInProgress: { kind: claim.kind, id: claim.id, startedAt: claim.startedAt },
        updatedAt: claim.startedAt,
        correlationId: claim.correlationId,
      });
    },

    /** Frees the work in progress if (and only if) this purchase or transition still holds it. Safe to repeat. */
    async releaseWorkInProgress(
      customerId: string,
      holderId: string,
      stamp: { now: Date; correlationId: string },
    ): Promise<void> {
      await update(customerId, (customer) =>
        customer.workInProgress?.id === holderId
          ? {
              ...customer,
              workInProgress: null,
              updatedAt: stamp.now.toISOString(),
              correlationId: stamp.correlationId,
            }
          : undefined,
      );
    },

    /** Points the customer's MCA summary at this agreement (the latest accepted one). */
    recordMcaAcceptance(
      agreement: AgreementDocument,
      stamp: { now: Date; correlationId: string },
    ): Promise<CustomerDocument | undefined> {
      return update(agreement.customerId, (customer) => ({
        ...customer,
        mca: mcaSummaryOf(agreement),
        updatedAt: stamp.now.toISOString(),
        correlationId: stamp.correlationId,
      }));
    },
  };
}

function byCompanyName(a: CustomerDocument, b: CustomerDocument): number {
  return a.companyName.localeCompare(b.companyName) || a.customerId.localeCompare(b.customerId);
}

export type CustomerRepository = ReturnType<typeof createCustomerRepository>;
