import { randomUUID } from 'node:crypto';

import { type QueueClient } from '@azure/storage-queue';
import { z } from 'zod';

import { purchaseStatusReader } from '../orchestrations/purchase/purchaseStatusReader';
import { mcaOptionSchema } from '../shared/domain/api/azurePlanPurchase';
import { lineIdSchema } from '../shared/domain/api/purchaseBatch';
import { lineErrorSchema } from '../shared/domain/documents/purchaseBatch';
import { AppError } from '../shared/domain/errors';
import { assertDateAgreedNotInFuture } from '../shared/domain/rules/mcaAgreement';
import {
  batchIdForIdempotencyKey,
  batchLineStatusSchema,
  maxBatchItems,
  repeatedLineIds,
} from '../shared/domain/rules/purchaseBatch';
import { mayPerform, permissions } from '../shared/domain/rules/roles';
import { type Clock } from '../shared/platform/clock';
import { endpoint, idParameter } from '../shared/platform/http/endpoint';
import { type BatchRepository } from '../shared/purchaseBatches/batchRepository';
import { readPurchaseBatch } from '../shared/purchaseBatches/readPurchaseBatch';
import { submitPurchaseBatch } from '../shared/purchaseBatches/submitPurchaseBatch';

const batchItemSchema = z
  .strictObject({
    lineId: lineIdSchema.optional().meta({
      description:
        'Your reference for the line, unique within the batch. Defaults to the 1-based position of the item.',
    }),
    customerId: idParameter,
    mca: mcaOptionSchema.optional().meta({
      description:
        'How the MCA is accepted for this customer, exactly as in the body of a single purchase; omit when the customer has accepted it already.',
    }),
  })
  .meta({ id: 'PurchaseBatchItem' });

const batchRequestSchema = z
  .strictObject({
    items: z.array(batchItemSchema).min(1).max(maxBatchItems),
  })
  .superRefine((body, context) => {
    for (const index of repeatedLineIds(body.items)) {
      context.addIssue({
        code: 'custom',
        path: ['items', index, 'lineId'],
        message: 'repeats the line id of an earlier item (line ids default to the 1-based position)',
      });
    }
  })
  .meta({
    id: 'PurchaseBatchRequest',
    description: `One Azure plan purchase per item, 1 to ${maxBatchItems} items. Every item is validated before anything is queued.`,
  });

const batchAcceptedSchema = z
  .object({
    batchId: z.string(),
    total: z.number().int(),
    statusUrl: z
      .string()
      .meta({ description: 'Where to follow the batch: GET it until every line settles.' }),
  })
  .meta({ id: 'PurchaseBatchAccepted' });

const countsSchema = z.object(
  Object.fromEntries(batchLineStatusSchema.options.map((status) => [status, z.number().int()])) as Record<
    z.infer<typeof batchLineStatusSchema>,
    z.ZodNumber
  >,
);

const batchSchema = z
  .object({
    batchId: z.string(),
    total: z.number().int(),
    counts: countsSchema.meta({
      description:
        'Lines per status; they add up to `total`. `queued` (our extension) counts lines whose request has not been handled yet.',
    }),
    waitingForPartnerCenterPace: z.number().int().meta({
      description:
        "Our extension: the `queued` lines that were received and wait for their turn at Partner Center's pace (500 orders a minute per partner), apart from lines in progress; each shows `waitingForPaceUntil`.",
    }),
    items: z.array(
      z.object({
        lineId: z.string(),
        customerId: z.string(),
        purchaseId: z.string().optional().meta({ description: 'Set once the line started its purchase.' }),
        status: batchLineStatusSchema.meta({
          description:
            '`queued` → `accepted` (purchase started) or `rejected` (a check refused it; see `error.code`) → the purchase status (`awaitingCustomerSignature`, `completed`, `failed`, `expired`, `cancelled`). A request that could not be handled ends `failed`.',
        }),
        waitingForPaceUntil: z.string().optional().meta({
          description:
            "Our extension, on a `queued` line waiting for its turn at Partner Center's pace: when its purchase starts.",
        }),
        error: lineErrorSchema.optional(),
      }),
    ),
  })
  .meta({ id: 'PurchaseBatch' });

export const submitPurchaseBatchEndpoint = (deps: {
  batches: BatchRepository;
  purchaseRequests: QueueClient;
  clock: Clock;
}) =>
  endpoint({
    name: 'submitPurchaseBatch',
    method: 'POST',
    route: 'purchase-batches',
    summary: 'Buys the Azure plan for many customers at once: one queued purchase request per item.',
    description:
      'Validates every item, records the batch and puts one message per item on the `purchase-requests` queue, where each ' +
      'starts one purchase with the same checks as a single purchase. A refused line is recorded with its error code; it ' +
      'does not fail the batch. Send an Idempotency-Key: a retry after a failure part way completes the same batch ' +
      'without duplicating lines.',
    tags: ['Batch purchases'],
    access: { action: 'buyAzurePlan' },
    body: batchRequestSchema,
    idempotent: true,
    // 1,000 items with an attestation each.
    maxBodyBytes: 1024 * 1024,
    responses: { 202: { description: 'The batch is queued.', schema: batchAcceptedSchema } },
    handler: async ({ body, caller, correlationId, request }) => {
      if (body.items.some((item) => item.mca?.method === 'attest') && !mayPerform(caller, 'attestMca')) {
        throw new AppError(
          'Forbidden',
          `Items that attest the MCA need one of the roles ${permissions.attestMca.join(', ')}.`,
        );
      }
      const now = deps.clock.now();
      body.items.forEach((item, index) => {
        if (item.mca?.method === 'attest') {
          assertDateAgreedNotInFuture(item.mca.dateAgreed, now, `/items/${index}/mca/dateAgreed`);
        }
      });
      const idempotencyKey = request.headers.get('idempotency-key');
      const batchId = idempotencyKey ? batchIdForIdempotencyKey(caller.userId, idempotencyKey) : randomUUID();
      const { total } = await submitPurchaseBatch(
        { batches: deps.batches, purchaseRequests: deps.purchaseRequests },
        {
          batchId,
          items: body.items,
          requestedBy: { userId: caller.userId, ...(caller.name ? { name: caller.name } : {}) },
          correlationId,
          now,
        },
      );
      const statusUrl = `/api/purchase-batches/${batchId}`;
      return { status: 202, body: { batchId, total, statusUrl }, headers: { location: statusUrl } };
    },
  });

export const getPurchaseBatchEndpoint = (deps: { batches: BatchRepository; clock: Clock }) =>
  endpoint({
    name: 'getPurchaseBatch',
    method: 'GET',
    route: 'purchase-batches/{batchId}',
    summary: 'Shows a purchase batch: counts per status and the status of every line.',
    description:
      'Counts every line by status (queued, accepted, rejected, awaiting signature, completed, failed, expired, cancelled) and lists each line with its purchase id once one started, following the purchases as they progress.',
    tags: ['Batch purchases'],
    access: { action: 'read' },
    params: z.strictObject({ batchId: idParameter }),
    durableClient: true,
    responses: { 200: { description: 'The batch.', schema: batchSchema } },
    errors: ['BatchNotFound'],
    handler: async ({ params, workflows }) => {
      const batch = await readPurchaseBatch(
        { ...deps, purchaseStatus: purchaseStatusReader(workflows) },
        params.batchId,
      );
      return { status: 200, body: batch, headers: { 'cache-control': 'no-store' } };
    },
  });
