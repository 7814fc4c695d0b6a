import { CacheFactoryTimeoutError } from '../errors';
import { CacheablePlan } from './cache-decorator.metadata';
import { boxResult, MethodFailure, unboxResult } from './cached-result';
import { CachedMethodContext } from './cached-method-context';
import { AnyMethod } from './method-identity';

/** The @Cacheable behaviour around `original`; see the decorator for the contract. */
export function cacheableMethod(original: AnyMethod, plan: CacheablePlan, context: CachedMethodContext): AnyMethod {
  const { cache, errors, label } = context;
  return async function cacheable(this: unknown, ...args: unknown[]): Promise<unknown> {
    let key: string;
    let tags: readonly string[] | undefined;
    try {
      key = plan.key.call(this, args);
      tags = plan.tags?.call(this, args);
    } catch (error) {
      errors.record(label, error);
      return original.apply(this, args);
    }
    // Set when this call's own load ran the method, so that a cache failure after it does not run it twice.
    let produced: { value: unknown } | undefined;
    try {
      const cached = await cache.getOrSet(
        key,
        async () => {
          try {
            const value = await original.apply(this, args);
            produced = { value };
            return boxResult(value);
          } catch (error) {
            throw new MethodFailure(error);
          }
        },
        { ...plan.load, ttlMs: plan.ttlMs, tags, eagerRefresh: plan.eagerRefresh, lock: plan.lock },
      );
      return unboxResult(cached);
    } catch (error) {
      if (error instanceof MethodFailure) throw error.error;
      // The method ran past hardTimeoutMs with no stale result: the answer asked for, not a cache failure to go around.
      if (error instanceof CacheFactoryTimeoutError) throw error;
      errors.record(label, error);
      return produced ? produced.value : original.apply(this, args);
    }
  };
}
