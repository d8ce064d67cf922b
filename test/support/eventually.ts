/**
 * The one polling helper of the tests (and of the local packages' own tests): polls `check` until it holds, or
 * fails after `timeoutMs`. Tests wait for a condition, never for a fixed time, so a loaded machine makes them
 * slower, not red. `what` names the condition in the failure (a function: read when it fails, e.g. a log so far).
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  options: { what?: string | (() => string); intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) {
      return;
    }
    if (Date.now() > deadline) {
      const what = typeof options.what === 'function' ? options.what() : (options.what ?? 'condition');
      throw new Error(`${what}: not met within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
  }
}
