import { CacheEvictPlan } from './cache-decorator.metadata';
import { CachedMethodContext } from './cached-method-context';
import { AnyMethod } from './method-identity';

/** The @CacheEvict behaviour around `original`; see the decorator for the contract. */
export function cacheEvictMethod(original: AnyMethod, plan: CacheEvictPlan, context: CachedMethodContext): AnyMethod {
  const { cache, errors, label } = context;
  return async function cacheEvict(this: unknown, ...args: unknown[]): Promise<unknown> {
    const result = await original.apply(this, args);
    // Each step on its own: a key that cannot be rendered must not keep the tags from being invalidated.
    const step = async (evict: () => Promise<unknown>): Promise<void> => {
      try {
        await evict();
      } catch (error) {
        errors.record(label, error);
      }
    };
    const keys: string[] = [];
    for (const key of plan.keys) await step(async () => keys.push(key.call(this, args, result)));
    if (keys.length > 0) await step(() => cache.delete(keys));
    if (plan.tags) await step(() => cache.invalidateTags(plan.tags!.call(this, args, result)));
    if (plan.pattern) await step(() => cache.invalidatePattern(plan.pattern!.call(this, args, result)));
    return result;
  };
}
