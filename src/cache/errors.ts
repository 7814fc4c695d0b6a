/**
 * Every error the cache itself raises, in one place, so that callers and the cache's own layers
 * tell them apart with `instanceof`, never by reading a message.
 */

/** A Redis call refused at once, without calling Redis, because the circuit breaker is open. */
export class CircuitOpenError extends Error {
  constructor() {
    super('Redis is unavailable (circuit open)');
    this.name = 'CircuitOpenError';
  }
}

/** A Redis call (one or several commands) that did not finish within the command timeout. */
export class CacheCommandTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`Redis call timed out after ${timeoutMs} ms`);
    this.name = 'CacheCommandTimeoutError';
  }
}

/** A factory that did not finish within `hardTimeoutMs`, with no stale value to answer instead. */
export class CacheFactoryTimeoutError extends Error {
  constructor(
    readonly key: string,
    readonly timeoutMs: number,
  ) {
    super(`the factory of "${key}" did not finish within ${timeoutMs} ms`);
    this.name = 'CacheFactoryTimeoutError';
  }
}
