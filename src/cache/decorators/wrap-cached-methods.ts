import {
  CACHE_EVICT_METADATA,
  CACHE_PUT_METADATA,
  CACHEABLE_METADATA,
  CacheablePlan,
  CacheEvictPlan,
  CachePutPlan,
} from './cache-decorator.metadata';
import { cacheEvictMethod } from './cache-evict.wrapper';
import { cachePutMethod } from './cache-put.wrapper';
import { cacheableMethod } from './cacheable.wrapper';
import { CachedMethodContext } from './cached-method-context';
import { AnyMethod, isWrappedMethod, keepMethodIdentity } from './method-identity';

/** Whether `method` carries any of the cache decorators. */
export function hasCacheDecorators(method: unknown): method is AnyMethod {
  return (
    typeof method === 'function' &&
    (Reflect.hasOwnMetadata(CACHEABLE_METADATA, method) ||
      Reflect.hasOwnMetadata(CACHE_PUT_METADATA, method) ||
      Reflect.hasOwnMetadata(CACHE_EVICT_METADATA, method))
  );
}

/**
 * Replaces `instance[methodName]` (an own property: the prototype, shared by other instances, is
 * left alone) with the cache behaviour its decorators ask for. Layers, innermost first: @Cacheable,
 * then each @CacheEvict, then each @CachePut, so that evictions run before puts (as in Spring).
 * Returns false when there is nothing to wrap or the method is already wrapped.
 */
export function wrapCachedMethod(
  instance: Record<string, unknown>,
  methodName: string,
  context: Omit<CachedMethodContext, 'label'> & { className: string },
): boolean {
  const original = instance[methodName];
  if (isWrappedMethod(original) || !hasCacheDecorators(original)) return false;
  const methodContext: CachedMethodContext = { ...context, label: `${context.className}.${methodName}` };
  const cacheable: CacheablePlan | undefined = Reflect.getOwnMetadata(CACHEABLE_METADATA, original);
  const evicts: CacheEvictPlan[] = Reflect.getOwnMetadata(CACHE_EVICT_METADATA, original) ?? [];
  const puts: CachePutPlan[] = Reflect.getOwnMetadata(CACHE_PUT_METADATA, original) ?? [];
  let method = original;
  if (cacheable) method = cacheableMethod(method, cacheable, methodContext);
  for (const evict of evicts) method = cacheEvictMethod(method, evict, methodContext);
  for (const put of puts) method = cachePutMethod(method, put, methodContext);
  instance[methodName] = keepMethodIdentity(original, method);
  return true;
}
