import { isFactoryFailure } from '../util/factory-failure';
import type { CacheCounters } from './cache-counters';

/**
 * What a factory receives. `skipCache()`: return this value to the caller (and to the callers that
 * joined the load), but do not cache it. The rest of the context (`stale`, `setTtlMs`, `setTags`)
 * grows here, read back by the load step through `FactoryResult`.
 */
export interface FactoryContext {
  skipCache(): void;
}

export type CacheFactory<T> = (context: FactoryContext) => T | Promise<T>;

/** What a factory call produced: its value, and what the factory asked the cache to do with it. */
export interface FactoryResult<T> {
  value: T;
  /** The factory called `skipCache()`. */
  skipped: boolean;
}

class LoadContext implements FactoryContext {
  skipped = false;

  readonly skipCache = (): void => {
    this.skipped = true;
  };
}

/** Calls factories, counting the calls and, when they are real failures (see isFactoryFailure), their errors. */
export class FactoryRunner {
  constructor(private readonly counters: CacheCounters) {}

  /** `keys`: what the factory loads, named in the `factory-error` events of its failure. */
  async run<T>(factory: CacheFactory<T>, keys: readonly string[] = []): Promise<FactoryResult<T>> {
    this.counters.factoryCalls++;
    const context = new LoadContext();
    try {
      const value = await factory(context);
      return { value, skipped: context.skipped };
    } catch (error) {
      if (isFactoryFailure(error)) {
        this.counters.factoryErrors++;
        if (this.counters.events.listening['factory-error']) for (const key of keys) this.counters.events.emit('factory-error', { key });
      }
      throw error;
    }
  }
}
