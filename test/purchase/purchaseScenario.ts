import { QueueClient } from '@azure/storage-queue';

import { type Purchase } from '../../orchestrations/purchase/readPurchase';
import { type Customer } from '../../shared/domain/api/customer';
import { type Problem } from '../../shared/platform/http/problem';
import { aRegisteredCustomer, storedDocumentCounts } from '../support/customerJourney';
import { eventually } from '../support/eventually';
import { salesAgent } from '../support/fixtures';
import { type RunningService, type ServiceResponse } from '../support/service';

// The nouns live in the one fixture vocabulary; re-exported for the purchase tests that import them from here.
export {
  aBillingAddress,
  aContact,
  aCustomerRequest,
  adminAgent,
  anAttestation,
  anInvitation,
  globalAdmin,
  salesAgent,
} from '../support/fixtures';

export interface Notification {
  type: 'mcaInvitation' | 'mcaReminder' | 'mcaExpired';
  customerId: string;
  purchaseId: string;
  email: string;
  acceptUrl: string;
  expiresAt: string;
  correlationId: string;
}

/** A purchase test's vocabulary over the running service. */
export function purchaseScenario(service: RunningService) {
  let customerCount = 0;
  const received: Notification[] = [];
  const notificationsQueue = new QueueClient(service.storageConnectionString, 'notifications');

  return {
    /** Registers a new customer (a fresh id each time) and returns its id. */
    async aRegisteredCustomer(overrides: Record<string, unknown> = {}): Promise<string> {
      customerCount += 1;
      const customerId = `customer-${customerCount}-${Math.random().toString(36).slice(2, 8)}`;
      return aRegisteredCustomer(service, customerId, { companyName: 'Contoso Ltd', ...overrides });
    },

    startPurchase(
      customerId: string,
      body: unknown = {},
      as = salesAgent,
      headers: Record<string, string> = {},
    ): Promise<ServiceResponse> {
      return service.call('POST', `/api/customers/${customerId}/azure-plan/purchases`, { as, body, headers });
    },

    /** The id in a 202 from the purchase start. */
    purchaseIdOf(response: ServiceResponse): string {
      const { purchaseId } = response.body as { purchaseId?: unknown };
      if (typeof purchaseId !== 'string')
        throw new Error(`no purchase started: ${JSON.stringify(response.body)}`);
      return purchaseId;
    },

    async purchase(purchaseId: string): Promise<Purchase> {
      const response = await service.call('GET', `/api/purchases/${purchaseId}`, { as: salesAgent });
      return response.body as Purchase;
    },

    /** Waits until the service has nothing in flight, then reads the purchase. */
    async settledPurchase(purchaseId: string): Promise<Purchase> {
      await service.host.waitForIdle();
      return this.purchase(purchaseId);
    },

    async customer(customerId: string): Promise<Customer> {
      const response = await service.call('GET', `/api/customers/${customerId}`, { as: salesAgent });
      return response.body as Customer;
    },

    /** Every notification sent so far (the queue is drained into a list the tests filter). */
    async notificationsOf(purchaseId: string): Promise<Notification[]> {
      for (let round = 0; round < 100; round += 1) {
        const { receivedMessageItems } = await notificationsQueue.receiveMessages({
          numberOfMessages: 32,
          visibilityTimeout: 30,
        });
        if (receivedMessageItems.length === 0) break;
        for (const message of receivedMessageItems) {
          received.push(
            JSON.parse(Buffer.from(message.messageText, 'base64').toString('utf8')) as Notification,
          );
          await notificationsQueue.deleteMessage(message.messageId, message.popReceipt);
        }
      }
      return received.filter((notification) => notification.purchaseId === purchaseId);
    },

    /**
     * The path of the acceptance link of the purchase's invitation, from the notification sent. The purchase sends it
     * in its own time after the start answered (a loaded machine takes longer): wait for it, don't read once.
     */
    async acceptPathOf(purchaseId: string): Promise<string> {
      let invitation: Notification | undefined;
      await eventually(async () => {
        invitation = (await this.notificationsOf(purchaseId)).find(
          (notification) => notification.type === 'mcaInvitation',
        );
        return invitation !== undefined;
      }, 30_000).catch(() => {
        throw new Error(`no invitation was sent for ${purchaseId}`);
      });
      return new URL(invitation!.acceptUrl).pathname;
    },

    /** The documents of a customer's partition, by type. */
    storedDocuments(customerId: string): Promise<Record<string, number>> {
      return storedDocumentCounts(service, customerId);
    },
  };
}

export const hourMs = 3_600_000;

export function problemOf(response: ServiceResponse): Problem {
  return response.body as Problem;
}
