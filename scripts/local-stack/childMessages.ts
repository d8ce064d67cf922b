import { z } from 'zod';

/**
 * What the processes of `npm start` tell each other over their IPC channel (`process.send`). Parsed with zod on
 * receipt: a child that crashed half-way through a message, or an older child, must not crash the supervisor.
 */
export const hostStartMessage = z.object({
  type: z.literal('start'),
  /** Settings the supervisor decided (store endpoints), set before the app loads. */
  env: z.record(z.string(), z.string()),
  port: z.number().int().min(0).max(65535),
});
export type HostStartMessage = z.infer<typeof hostStartMessage>;

export const childReport = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), port: z.number().int().positive() }),
  z.object({ type: z.literal('failed'), message: z.string(), code: z.string().optional() }),
]);
export type ChildReport = z.infer<typeof childReport>;

/** Sends a report to the parent, if there is one listening (a child run by hand has no IPC channel). */
export function report(message: ChildReport): void {
  process.send?.(message);
}

export function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
