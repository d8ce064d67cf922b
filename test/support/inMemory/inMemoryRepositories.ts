import { type AgreementRepository } from '../../../shared/agreements/agreementRepository';
import { type CustomerRepository } from '../../../shared/customers/customerRepository';
import {
  agreementDocumentSchema,
  type CustomerDocument,
  customerDocumentSchema,
  mcaAgreement,
} from '../../../shared/domain/documents/documents';
import {
  type InvitationDocument,
  invitationDocumentSchema,
} from '../../../shared/domain/documents/invitation';
import { mcaSummaryOf } from '../../../shared/domain/rules/mcaAgreement';
import { type InvitationRepository } from '../../../shared/invitations/invitationRepository';
import { type Notification, type NotificationSender } from '../../../shared/notifications/notificationSender';

/**
 * The customer, agreement and invitation repositories' behaviour without Cosmos DB, for use-case, activity and
 * handler tests: creates that conflict on an existing id, replaces conditional on the ETag the caller read, and the
 * same small read-change-write steps as the Cosmos repositories (whose own tests run against the Cosmos server).
 */

/**
 * Documents by id, each write a new ETag; reads hand out copies, so a test cannot change what is stored by accident.
 * What is written is parsed with the document's schema, as the Cosmos repositories parse what the store returns.
 */
function documentTable<T extends { _etag?: string | undefined }>(schema: { parse(value: unknown): T }) {
  const documents = new Map<string, T>();
  let etag = 0;
  const stamp = (document: T): T => ({ ...schema.parse(structuredClone(document)), _etag: `"${++etag}"` });
  return {
    get(id: string): T | undefined {
      const found = documents.get(id);
      return found ? structuredClone(found) : undefined;
    },
    create(id: string, document: T): T | 'exists' {
      if (documents.has(id)) return 'exists';
      const stored = stamp(document);
      documents.set(id, stored);
      return structuredClone(stored);
    },
    /** Replaces only what the caller read (same ETag); `'changed'` otherwise, as a 412 would. */
    replace(id: string, document: T): T | 'changed' {
      const current = documents.get(id);
      if (!current || current._etag !== document._etag) return 'changed';
      const stored = stamp(document);
      documents.set(id, stored);
      return structuredClone(stored);
    },
    all(): T[] {
      return [...documents.values()].map((document) => structuredClone(document));
    },
  };
}

export function createInMemoryCustomerRepository(): CustomerRepository {
  const table = documentTable(customerDocumentSchema);
  const get = (customerId: string) => Promise.resolve(table.get(customerId));
  const replace = (document: CustomerDocument) =>
    Promise.resolve(table.replace(document.customerId, document));
  async function update(
    customerId: string,
    change: (customer: CustomerDocument) => CustomerDocument | undefined,
  ): Promise<CustomerDocument | undefined> {
    // Nothing else writes between this read and write in a single-threaded test, so one pass is the whole loop.
    const current = table.get(customerId);
    if (current === undefined) return undefined;
    const next = change(current);
    if (next === undefined) return current;
    const written = await replace(next);
    if (written === 'changed') throw new Error(`Customer ${customerId} changed during an in-memory update.`);
    return written;
  }
  return {
    get,
    create: (document) => Promise.resolve(table.create(document.customerId, document)),
    replace,
    update,
    list: (limit) =>
      Promise.resolve(
        table
          .all()
          .sort(
            (a, b) => a.companyName.localeCompare(b.companyName) || a.customerId.localeCompare(b.customerId),
          )
          .slice(0, limit),
      ),
    findWorkInProgressClaimedBefore: (before, limit) =>
      Promise.resolve(
        table
          .all()
          .filter(
            (customer) => customer.workInProgress && customer.workInProgress.startedAt < before.toISOString(),
          )
          .slice(0, limit),
      ),
    findLinkedCustomers: (afterCustomerId, limit) =>
      Promise.resolve(
        table
          .all()
          .filter(
            (customer) =>
              customer.partnerCenterCustomerId !== undefined && customer.customerId > afterCustomerId,
          )
          .sort((a, b) => (a.customerId < b.customerId ? -1 : 1))
          .slice(0, limit),
      ),
    claimWorkInProgress: (customer, claim) =>
      replace({
        ...customer,
        workInProgress: { kind: claim.kind, id: claim.id, startedAt: claim.startedAt },
        updatedAt: claim.startedAt,
        correlationId: claim.correlationId,
      }),
    async releaseWorkInProgress(customerId, holderId, stamp) {
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
    recordMcaAcceptance: (agreement, stamp) =>
      update(agreement.customerId, (customer) => ({
        ...customer,
        mca: mcaSummaryOf(agreement),
        updatedAt: stamp.now.toISOString(),
        correlationId: stamp.correlationId,
      })),
  };
}

export function createInMemoryAgreementRepository(): AgreementRepository {
  const table = documentTable(agreementDocumentSchema);
  return {
    create: (agreement) =>
      Promise.resolve(table.create(`${agreement.customerId}/${agreement.id}`, agreement)),
    list: (customerId, type = mcaAgreement.type) =>
      Promise.resolve(
        table
          .all()
          .filter((agreement) => agreement.customerId === customerId && agreement.type === type)
          .sort((a, b) => a.dateAgreed.localeCompare(b.dateAgreed)),
      ),
  };
}

export function createInMemoryInvitationRepository(): InvitationRepository {
  const table = documentTable(invitationDocumentSchema);
  const get = (id: string) => Promise.resolve(table.get(id));
  const replace = (invitation: InvitationDocument) =>
    Promise.resolve(table.replace(invitation.id, invitation));
  return {
    get,
    replace,
    createOnce(invitation) {
      const created = table.create(invitation.id, invitation);
      return Promise.resolve(
        created === 'exists' ? (table.get(invitation.id) as InvitationDocument) : created,
      );
    },
    findAcceptancesUnrecordedBefore(before, limit) {
      return Promise.resolve(
        table
          .all()
          .filter(
            (invitation) =>
              invitation.status === 'accepted' &&
              invitation.acceptedBy !== undefined &&
              invitation.acceptanceRecordedAt === undefined &&
              (invitation.acceptedAt ?? '') < before.toISOString(),
          )
          .sort((a, b) => (a.acceptedAt ?? '').localeCompare(b.acceptedAt ?? ''))
          .slice(0, limit),
      );
    },
    async close(id, status, correlationId) {
      const invitation = table.get(id);
      if (invitation === undefined || invitation.status !== 'pending') return;
      await replace({ ...invitation, status, correlationId });
    },
  };
}

/** A notification sender that records what it sent, once per type and round, as the real one confirms it. */
export function aRecordingNotificationSender(): NotificationSender & { sent: Notification[] } {
  const sent: Notification[] = [];
  return {
    sent,
    send(notification) {
      const already = sent.some(
        (earlier) =>
          earlier.purchaseId === notification.purchaseId &&
          earlier.type === notification.type &&
          earlier.round === notification.round,
      );
      if (!already) sent.push(notification);
      return Promise.resolve(!already);
    },
    resendUnconfirmed: () => Promise.resolve({ resent: 0, failed: 0 }),
  };
}
