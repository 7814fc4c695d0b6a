import { CachePutPlan } from './cache-decorator.metadata';
import { boxResult } from './cached-result';
import { CachedMethodContext } from './cached-method-context';
import { AnyMethod } from './method-identity';

/** The @CachePut behaviour around `original`; see the decorator for the contract. */
export function cachePutMethod(original: AnyMethod, plan: CachePutPlan, context: CachedMethodContext): AnyMethod {
  const { cache, errors, label } = context;
  return async function cachePut(this: unknown, ...args: unknown[]): Promise<unknown> {
    const result = await original.apply(this, args);
    try {
      const key = plan.key.call(this, args, result);
      const tags = plan.tags?.call(this, args, result);
      // Boxed as @Cacheable boxes it, so that a @Cacheable read of this key returns the same value.
      await cache.set(key, boxResult(result), { ttlMs: plan.ttlMs, tags, graceMs: plan.load.graceMs, jitterMs: plan.load.jitterMs });
    } catch (error) {
      errors.record(label, error);
    }
    return result;
  };
}
