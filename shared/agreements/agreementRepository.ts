import { type Container } from '@azure/cosmos';

import { type AgreementDocument, agreementDocumentSchema, mcaAgreement } from '../domain/documents/documents';
import { isCosmosStatus, toWritableDocument } from '../platform/cosmos/cosmosStatus';

/** MCA agreements: documents in the customer's partition of the `customers` container. */
export function createAgreementRepository(container: Container) {
  return {
    /**
     * Records an agreement; `'exists'` when one with the same id exists (same contact attested again, or the same
     * invitation accepted again: the ids are derived so that a create conflicts).
     */
    async create(agreement: AgreementDocument): Promise<AgreementDocument | 'exists'> {
      try {
        const { resource } = await container.items.create(toWritableDocument(agreement));
        return agreementDocumentSchema.parse(resource);
      } catch (error) {
        if (isCosmosStatus(error, 409)) return 'exists';
        throw error;
      }
    },

    /** The customer's agreements of a type, oldest acceptance first. */
    async list(customerId: string, type: string = mcaAgreement.type): Promise<AgreementDocument[]> {
      const { resources } = await container.items
        .query<unknown>(
          {
            // The partition key is in the filter too: the local Cosmos server ignores the partitionKey option.
            query:
              'SELECT * FROM c WHERE c.customerId = @customerId AND c.docType = @docType AND c.type = @type',
            parameters: [
              { name: '@customerId', value: customerId },
              { name: '@docType', value: 'agreement' },
              { name: '@type', value: type },
            ],
          },
          { partitionKey: customerId },
        )
        .fetchAll();
      return resources
        .map((resource) => agreementDocumentSchema.parse(resource))
        .sort((a, b) => a.dateAgreed.localeCompare(b.dateAgreed) || a.createdAt.localeCompare(b.createdAt));
    },
  };
}

export type AgreementRepository = ReturnType<typeof createAgreementRepository>;
