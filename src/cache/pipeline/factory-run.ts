import { isFactoryFailure } from '../util/factory-failure';
import { assertTags } from '../util/keys';
import { resolveTtlMs } from '../util/ttl';
import type { CacheCounters } from './cache-counters';

/**
 * What a factory receives. `stale`: the value the cache still holds for the key past its TTL
 * (within its grace), or undefined, so that a factory can answer from it (a conditional request,
 * a delta). `setTtlMs` and `setTags` replace the entry's TTL and tags given to getOrSet (a value
 * that knows how long it stays true); `skipCache()`: return this value to the caller (and to the
 * callers that joined the load), but do not cache it.
 */
export interface FactoryContext<T = unknown> {
  readonly stale: T | undefined;
  setTtlMs(ttlMs: number): void;
  setTags(tags: readonly string[]): void;
  skipCache(): void;
}

export type CacheFactory<T> = (context: FactoryContext<T>) => T | Promise<T>;

/** What a factory call produced: its value, and what the factory asked the cache to do with it. */
export interface FactoryResult<T> {
  value: T;
  /** The factory called `skipCache()`. */
  skipped: boolean;
  /** Set by `setTtlMs`: replaces the load's TTL. */
  ttlMs?: number;
  /** Set by `setTags`: replaces the load's tags. */
  tags?: readonly string[];
}

/**
 * A factory call bounded by a timeout: settled in time, or still running (`pending`, which settles
 * later and is the caller's to finish: its value is still worth caching).
 */
export type BoundedFactoryRun<T> =
  { settled: true; result: FactoryResult<T> } | { settled: false; timeoutMs: number; pending: Promise<FactoryResult<T>> };

class LoadContext<T> implements FactoryContext<T> {
  skipped = false;
  ttlMs: number | undefined;
  tags: readonly string[] | undefined;

  constructor(readonly stale: T | undefined) {}

  readonly skipCache = (): void => {
    this.skipped = true;
  };

  // Checked where the factory calls them: a bad TTL or tag is the factory's bug, thrown at its line.
  readonly setTtlMs = (ttlMs: number): void => {
    this.ttlMs = resolveTtlMs(ttlMs, 0);
  };

  readonly setTags = (tags: readonly string[]): void => {
    assertTags(tags);
    this.tags = [...tags];
  };

  resultOf(value: T): FactoryResult<T> {
    const result: FactoryResult<T> = { value, skipped: this.skipped };
    if (this.ttlMs !== undefined) result.ttlMs = this.ttlMs;
    if (this.tags !== undefined) result.tags = this.tags;
    return result;
  }
}

const TIMED_OUT = Symbol('timed out');

/** Calls factories, counting the calls and, when they are real failures (see isFactoryFailure), their errors. */
export class FactoryRunner {
  constructor(private readonly counters: CacheCounters) {}

  /** `stale`: the factory context's stale value; `keys`: what the factory loads, named in the `factory-error` events of its failure. */
  async run<T>(factory: CacheFactory<T>, stale?: T, keys: readonly string[] = []): Promise<FactoryResult<T>> {
    this.counters.factoryCalls++;
    const context = new LoadContext<T>(stale);
    try {
      return context.resultOf(await factory(context));
    } catch (error) {
      if (isFactoryFailure(error)) {
        this.counters.factoryErrors++;
        if (this.counters.events.listening['factory-error']) for (const key of keys) this.counters.events.emit('factory-error', { key });
      }
      throw error;
    }
  }

  /**
   * `run`, but the caller stops waiting after `timeoutMs` (none when undefined): the factory is not
   * cancelled (a promise cannot be), it goes on and its result is handed back as `pending`. An error
   * thrown before the timeout is thrown here.
   */
  async runWithin<T>(
    factory: CacheFactory<T>,
    stale: T | undefined,
    timeoutMs: number | undefined,
    keys: readonly string[] = [],
  ): Promise<BoundedFactoryRun<T>> {
    const pending = this.run(factory, stale, keys);
    if (timeoutMs === undefined) return { settled: true, result: await pending };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
    });
    try {
      const first = await Promise.race([pending, timeout]);
      if (first === TIMED_OUT) return { settled: false, timeoutMs, pending };
      return { settled: true, result: first };
    } finally {
      clearTimeout(timer);
    }
  }
}
