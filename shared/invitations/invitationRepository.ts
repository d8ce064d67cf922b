import { type Container } from '@azure/cosmos';

import { type InvitationDocument, invitationDocumentSchema } from '../domain/documents/invitation';
import { isCosmosStatus, readOrUndefined, toWritableDocument } from '../platform/cosmos/cosmosStatus';
import { lostRace, retryOnConflict } from '../platform/cosmos/retryOnConflict';

/** MCA invitations, one per purchase, keyed by the hash of their token (`invitations` container, pk = id). */
export function createInvitationRepository(container: Container) {
  const item = (id: string) => container.item(id, id);

  async function get(id: string): Promise<InvitationDocument | undefined> {
    const resource = await readOrUndefined(() => item(id).read());
    return resource === undefined ? undefined : invitationDocumentSchema.parse(resource);
  }

  /** Replaces it if unchanged since read; `'changed'` when another writer was first. */
  async function replace(invitation: InvitationDocument): Promise<InvitationDocument | 'changed'> {
    try {
      const { resource } = await item(invitation.id).replace(toWritableDocument(invitation), {
        accessCondition: { type: 'IfMatch', condition: invitation._etag ?? '' },
      });
      return invitationDocumentSchema.parse(resource);
    } catch (error) {
      if (isCosmosStatus(error, 412)) return 'changed';
      throw error;
    }
  }

  return {
    get,
    replace,

    /** Creates the invitation, or returns the one a previous attempt created (its id derives from the purchase). */
    async createOnce(invitation: InvitationDocument): Promise<InvitationDocument> {
      try {
        const { resource } = await container.items.create(toWritableDocument(invitation));
        return invitationDocumentSchema.parse(resource);
      } catch (error) {
        if (!isCosmosStatus(error, 409)) throw error;
        const existing = await get(invitation.id);
        if (existing === undefined) throw error;
        return existing;
      }
    },

    /**
     * Accepted invitations whose acceptance was never seen through to the end (the process died between claiming
     * the link and recording the agreement or waking the purchase), accepted before `before`, oldest first.
     */
    async findAcceptancesUnrecordedBefore(before: Date, limit: number): Promise<InvitationDocument[]> {
      const { resources } = await container.items
        .query<unknown>({
          query:
            "SELECT * FROM c WHERE c.status = 'accepted' AND IS_DEFINED(c.acceptedBy) AND NOT IS_DEFINED(c.acceptanceRecordedAt) AND c.acceptedAt < @before",
          parameters: [{ name: '@before', value: before.toISOString() }],
        })
        .fetchAll();
      return resources
        .map((resource) => invitationDocumentSchema.parse(resource))
        .sort((a, b) => (a.acceptedAt ?? '').localeCompare(b.acceptedAt ?? ''))
        .slice(0, limit);
    },

    /** Ends a pending invitation (expired or cancelled); an accepted one stays accepted. Safe to repeat. */
    async close(id: string, status: 'expired' | 'cancelled', correlationId: string): Promise<void> {
      await retryOnConflict(`Invitation ${id}`, async () => {
        const invitation = await get(id);
        if (invitation === undefined || invitation.status !== 'pending') return;
        if ((await replace({ ...invitation, status, correlationId })) === 'changed') return lostRace;
      });
    },
  };
}

export type InvitationRepository = ReturnType<typeof createInvitationRepository>;
