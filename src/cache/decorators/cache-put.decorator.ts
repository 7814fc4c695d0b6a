import { appendMethodMetadata, CACHE_PUT_METADATA, CachePutPlan, DecoratorLoadOptions } from './cache-decorator.metadata';
import { decoratedMethod } from './decorated-method';
import { compileKeyedPlan, KeyedDecoratorOptions, KeySource, TagsSource } from './key-source';

/** `graceMs` keeps the stored result past its TTL as a fail-safe fallback for @Cacheable reads; `jitterMs` spreads its expiry. */
export interface CachePutOptions<A extends unknown[] = any[]> extends Pick<DecoratorLoadOptions, 'graceMs' | 'jitterMs'> {
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
  const plan: CachePutPlan = compileKeyedPlan(options as KeyedDecoratorOptions, context);
  return (_target, propertyKey, descriptor) => {
    appendMethodMetadata(CACHE_PUT_METADATA, decoratedMethod('@CachePut', propertyKey, descriptor), plan);
  };
}
