import { type Container, type ItemDefinition } from '@azure/cosmos';

import {
  type CommerceOperationDocument,
  commerceOperationDocumentSchema,
  type OperationError,
} from '../domain/documents/commerceOperation';
import { AppError, isErrorCode } from '../domain/errors';
import { type Clock } from '../platform/clock';
import { isCosmosStatus, toWritableDocument } from '../platform/cosmos/cosmosStatus';
import { type Sleep } from '../platform/retryPolicy';

/** The operations of the `customers` container (one partition per customer, beside the orders they produce). */
export interface CommerceOperationStore {
  /** Creates the operation, or answers the one already stored under its id (the same request repeated). */
  createOrGet(operation: CommerceOperationDocument): Promise<CommerceOperationDocument>;
  get(customerId: string, operationId: string): Promise<CommerceOperationDocument | undefined>;
  /** Replaces it if nobody changed it since it was read (`_etag`); `'changed'` otherwise. */
  replace(operation: CommerceOperationDocument): Promise<CommerceOperationDocument | 'changed'>;
}

export function createCommerceOperationRepository(customers: Container): CommerceOperationStore {
  async function get(customerId: string, operationId: string) {
    try {
      const { resource } = await customers.item(operationId, customerId).read<ItemDefinition>();
      if (resource === undefined) return undefined;
      const parsed = commerceOperationDocumentSchema.safeParse(resource);
      return parsed.success ? parsed.data : undefined;
    } catch (error) {
      if (isCosmosStatus(error, 404)) return undefined;
      throw error;
    }
  }
  return {
    get,
    async createOrGet(operation) {
      try {
        const { resource } = await customers.items.create(toWritableDocument(operation));
        return commerceOperationDocumentSchema.parse(resource);
      } catch (error) {
        if (!isCosmosStatus(error, 409)) throw error;
        const existing = await get(operation.customerId, operation.id);
        if (existing === undefined || existing.kind !== operation.kind) {
          throw new AppError('IdempotencyKeyReused', `Operation ${operation.id} is another request's.`);
        }
        return existing;
      }
    },
    async replace(operation) {
      try {
        const { resource } = await customers
          .item(operation.id, operation.customerId)
          .replace(toWritableDocument(operation), {
            accessCondition: { type: 'IfMatch', condition: operation._etag ?? '' },
          });
        return commerceOperationDocumentSchema.parse(resource);
      } catch (error) {
        if (isCosmosStatus(error, 412)) return 'changed';
        throw error;
      }
    },
  };
}

/** How long a request waits for Microsoft before it answers 202 with a `Location` to poll. */
export interface InRequestWait {
  attempts: number;
  intervalMs: number;
  sleep: Sleep;
}

export const defaultInRequestWait = (sleep: Sleep): InRequestWait => ({
  attempts: 4,
  intervalMs: 500,
  sleep,
});

/** One step of an operation: the operation as it now stands, and whether waiting a little may change it. */
export type Advance = (operation: CommerceOperationDocument) => Promise<CommerceOperationDocument>;

/**
 * Writes the operation's new state. A concurrent advancer (the request and a poll of its `Location`) may have
 * written first: then its version is the truth, and this advance ends with it.
 */
export async function saveOperation(
  store: CommerceOperationStore,
  operation: CommerceOperationDocument,
  change: Partial<Pick<CommerceOperationDocument, 'status' | 'progress' | 'result' | 'error'>>,
  clock: Clock,
): Promise<CommerceOperationDocument> {
  const written = await store.replace({
    ...operation,
    ...change,
    updatedAt: clock.now().toISOString(),
  });
  if (written !== 'changed') return written;
  const current = await store.get(operation.customerId, operation.id);
  if (current === undefined) throw new Error(`Operation ${operation.id} disappeared`);
  return current;
}

/**
 * A refusal by Microsoft (or a rule) ends the operation as `failed` with the contract's code; anything transient
 * (throttling, unavailable, consent) is rethrown so that the operation stays `running` and is continued later.
 */
export function refusalOf(error: unknown): OperationError | undefined {
  if (!(error instanceof AppError)) return undefined;
  if (
    error.code === 'PartnerCenterUnavailable' ||
    error.code === 'PartnerCenterConsentRequired' ||
    error.code === 'ServiceUnavailable' ||
    error.code === 'InternalError'
  ) {
    return undefined;
  }
  const partnerCenterCode = (error as { partnerCenterCode?: unknown }).partnerCenterCode;
  return {
    code: isErrorCode(error.code) ? error.code : 'PartnerCenterRejected',
    detail: error.detail,
    ...(typeof partnerCenterCode === 'number' ? { partnerCenterCode } : {}),
  };
}

/** Advances a running operation; a refusal ends it as failed, a transient failure leaves it running. */
export async function advanceGuarded(
  store: CommerceOperationStore,
  operation: CommerceOperationDocument,
  advance: Advance,
  clock: Clock,
): Promise<CommerceOperationDocument> {
  if (operation.status !== 'running') return operation;
  try {
    return await advance(operation);
  } catch (error) {
    const refusal = refusalOf(error);
    if (refusal === undefined) throw error;
    return saveOperation(store, operation, { status: 'failed', error: refusal }, clock);
  }
}

/**
 * Advances the operation until it ends or the request's patience runs out. A transient failure after the first
 * step leaves the operation running (the caller gets 202 and polls); on the very first step it is the caller's
 * answer (503, nothing was bought).
 */
export async function advanceWithinRequest(
  store: CommerceOperationStore,
  operation: CommerceOperationDocument,
  advance: Advance,
  wait: InRequestWait,
  clock: Clock,
): Promise<CommerceOperationDocument> {
  let current = await advanceGuarded(store, operation, advance, clock);
  for (let attempt = 1; attempt < wait.attempts && current.status === 'running'; attempt += 1) {
    await wait.sleep(wait.intervalMs);
    try {
      current = await advanceGuarded(store, current, advance, clock);
    } catch {
      // Microsoft is briefly unreachable: the operation stays running; its poller continues it.
      return current;
    }
  }
  return current;
}

/** The operation's refusal as the error the HTTP layer answers with. */
export function operationFailure(operation: CommerceOperationDocument): AppError {
  const error = operation.error;
  const code = error && isErrorCode(error.code) ? error.code : 'PartnerCenterRejected';
  const failure = new AppError(code, error?.detail ?? `Operation ${operation.id} failed.`);
  if (error?.partnerCenterCode !== undefined) {
    Object.assign(failure, { partnerCenterCode: error.partnerCenterCode });
  }
  return failure;
}

/** Creates the operation (or finds the one a repeated request made) and takes its steps while the request waits. */
export async function startOperation(
  deps: { operations: CommerceOperationStore; clock: Clock; wait: InRequestWait },
  advance: Advance,
  fields: Omit<Parameters<typeof newOperation>[0], 'now'>,
): Promise<CommerceOperationDocument> {
  const operation = await deps.operations.createOrGet(newOperation({ ...fields, now: deps.clock.now() }));
  return advanceWithinRequest(deps.operations, operation, advance, deps.wait, deps.clock);
}

export function newOperation(input: {
  id: string;
  customerId: string;
  kind: CommerceOperationDocument['kind'];
  request: Record<string, unknown>;
  correlationId: string;
  now: Date;
}): CommerceOperationDocument {
  const at = input.now.toISOString();
  return {
    id: input.id,
    customerId: input.customerId,
    correlationId: input.correlationId,
    docType: 'commerceOperation',
    kind: input.kind,
    status: 'running',
    createdAt: at,
    updatedAt: at,
    request: input.request,
    progress: {},
  };
}
