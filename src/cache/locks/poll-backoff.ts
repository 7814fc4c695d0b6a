/** First pause of a waiter that has no wake-up signal (or missed it), ms. */
export const FIRST_POLL_MS = 5;
/** Longest pause between two looks at the lease, ms: a missed wake-up costs at most this much. */
export const MAX_POLL_MS = 100;

/**
 * The pause before a waiter's `attempt`-th look at a lease (0-based): doubling from 5 ms up to
 * 100 ms, with +-25% jitter so that the waiters of N instances do not poll Redis in step.
 */
export function pollDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(FIRST_POLL_MS * 2 ** Math.min(attempt, 10), MAX_POLL_MS);
  return Math.max(1, Math.round(base * (0.75 + random() * 0.5)));
}
