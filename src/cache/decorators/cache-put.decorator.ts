import { appendMethodMetadata, CACHE_PUT_METADATA, CachePutPlan } from './cache-decorator.metadata';
import { decoratedMethod } from './decorated-method';
import { compileKeyedPlan, KeySource, TagsSource } from './key-source';

export interface CachePutOptions<A extends unknown[] = any[]> {
  /** `session:{result.id}` or `(args, result) => ...`. */
  key: KeySource<A>;
  /** Defaults to the module's `defaultTtlMs`; 0 means no expiry. */
  ttlMs?: number;
  tags?: TagsSource<A>;
}

/**
 * Always calls the method, then stores its result under `key` (every tier, every instance), so that
 * the next `@Cacheable` read of that key sees the write. The result is returned once it is stored.
 * If the method throws, nothing is stored and the error reaches the caller unchanged; if the cache
 * fails, the failure is logged and counted, never thrown.
 *
 * Like @Cacheable: the method becomes async, and it applies to providers, not to route handlers.
 * With @CacheEvict on the same method, the evictions run first, then the puts.
 *
 * ```ts
 * @CachePut({ key: 'session:{result.id}', tags: ['session:{result.id}'] })
 * renameSession(id: string, title: string): Promise<Session> { ... }
 * ```
 */
export function CachePut<A extends unknown[] = any[]>(options: CachePutOptions<NoInfer<A>>): MethodDecorator {
  const context = { decorator: '@CachePut', allowResult: true };
  const plan: CachePutPlan = compileKeyedPlan(options as { key: KeySource; ttlMs?: number; tags?: TagsSource }, context);
  return (_target, propertyKey, descriptor) => {
    appendMethodMetadata(CACHE_PUT_METADATA, decoratedMethod('@CachePut', propertyKey, descriptor), plan);
  };
}
