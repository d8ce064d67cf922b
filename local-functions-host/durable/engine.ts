import type { DurableEngineApi, DurableEngineOptions } from '../contracts';

/** Placeholder until the durable engine lands: the host starts, durable functions do not run. */
export function createDurableEngine(_options: DurableEngineOptions): DurableEngineApi {
  return {
    handleHttp: () => Promise.resolve(false),
    stop: () => Promise.resolve(),
  };
}
