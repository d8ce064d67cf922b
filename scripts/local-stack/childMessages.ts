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
  z.object({
    type: z.literal('ready'),
    /** The port it serves (the stores process: Cosmos DB's, 0 when it runs none). */
    port: z.number().int().nonnegative(),
    /** The stores process: app settings that point at the simulators of Microsoft's services it started. */
    settings: z.record(z.string(), z.string()).optional(),
  }),
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
