/**
 * Polls `check` until it holds (every `everyMs`), or fails with `what` after `withinMs`. A condition, not a sleep.
 * `what` may be a function, to describe the state at the moment of the timeout.
 */
export async function waitUntil(
  what: string | (() => string),
  check: () => Promise<boolean> | boolean,
  withinMs = 10_000,
  everyMs = 50,
): Promise<void> {
  const until = Date.now() + withinMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out waiting until ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
