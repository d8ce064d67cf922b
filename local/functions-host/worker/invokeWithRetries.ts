import type {
  FunctionInvoker,
  HostLogger,
  InvocationRequest,
  RegisteredFunction,
  RpcRetryContext,
} from '../contracts';
import type { RetryPolicy } from './retryPolicy';

export interface RetryLoopOptions {
  invoker: FunctionInvoker;
  fn: RegisteredFunction;
  /** Undefined: one attempt, as without a policy. */
  policy: RetryPolicy | undefined;
  logger: HostLogger;
  /** The invocation's request; called once per attempt. */
  request: () => InvocationRequest;
  /**
   * Waits `ms` on the host's clock; resolves false when the host stops meanwhile (the real host then leaves the
   * loop: "Invocation cancelled - exiting retry loop").
   */
  pause: (ms: number) => Promise<boolean>;
}

/**
 * One execution under the function's retry policy, as WebJobs' `FunctionExecutorExtensions.TryExecuteAsync` runs it:
 * attempt, and on failure wait the policy's next delay and attempt again with `retryContext.retryCount` one higher,
 * until an attempt succeeds or `maxRetryCount` retries failed. Rejects with the last attempt's error.
 */
export async function invokeWithRetries(options: RetryLoopOptions): Promise<void> {
  const { invoker, fn, policy, logger } = options;
  const nextDelay = policy?.delays();
  const retryContext: RpcRetryContext | undefined = policy
    ? { retryCount: 0, maxRetryCount: policy.maxRetryCount }
    : undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      await invoker.invoke(fn.name, {
        ...options.request(),
        ...(retryContext ? { retryContext: { ...retryContext } } : {}),
      });
      return;
    } catch (error) {
      if (!policy || !nextDelay || !retryContext) throw error;
      if (policy.maxRetryCount !== -1 && attempt === policy.maxRetryCount) {
        logger.error(`Function '${fn.name}': execution failed after '${attempt}' retries.`);
        throw error;
      }
      retryContext.retryCount = attempt + 1;
      retryContext.exception = toRpcException(error);
      const delay = nextDelay(retryContext.retryCount);
      logger.warn(
        `Function '${fn.name}': waiting ${formatDelay(delay)} before retrying the execution. ` +
          `Next attempt: '${retryContext.retryCount}'. Max retry count: '${policy.maxRetryCount}'.`,
      );
      if (!(await options.pause(delay))) {
        logger.warn(`Function '${fn.name}': invocation cancelled - exiting retry loop.`);
        throw error;
      }
    }
  }
}

function toRpcException(error: unknown): RpcRetryContext['exception'] {
  if (error instanceof Error) {
    return { message: error.message, source: error.name, stackTrace: error.stack ?? '' };
  }
  return { message: String(error) };
}

/** As .NET prints a `TimeSpan`: `00:00:10`, with fractions when there are any. */
function formatDelay(ms: number): string {
  const totalSeconds = ms / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const pad = (n: number) => String(Math.floor(n)).padStart(2, '0');
  const fraction = Math.round((seconds % 1) * 1e7);
  return `${pad(hours)}:${pad(minutes)}:${pad(seconds)}${fraction ? `.${String(fraction).padStart(7, '0')}` : ''}`;
}
