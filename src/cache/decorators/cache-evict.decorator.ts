import { appendMethodMetadata, CACHE_EVICT_METADATA, CacheEvictPlan } from './cache-decorator.metadata';
import { decoratedMethod } from './decorated-method';
import { compileKeySource, compileTagsSource, KeySource, TagsSource } from './key-source';

export interface CacheEvictOptions<A extends unknown[] = any[]> {
  /** Keys to delete: `session:{0}`, or several. */
  keys?: KeySource<A> | KeySource<A>[];
  /** Tags to invalidate: `['user:{result.userId}']`. */
  tags?: TagsSource<A>;
  /** A Redis-style glob, inside the prefix: `messages:{0}:*`. Inserted values are escaped, so they match literally. */
  pattern?: KeySource<A>;
}

/**
 * Calls the method and, only if it succeeded, deletes `keys`, invalidates `tags` and deletes the
 * keys matching `pattern`, on every instance, before the result is returned (a caller reads its own
 * write). If the method throws, nothing is evicted and the error reaches the caller unchanged; a
 * cache failure is logged and counted, never thrown, and does not stop the other evictions.
 *
 * Like @Cacheable: the method becomes async, and it applies to providers, not to route handlers.
 *
 * ```ts
 * @CacheEvict({ keys: 'session:{0}', tags: ['user:{result.userId}'] })
 * deleteSession(id: string): Promise<Session> { ... }
 * ```
 */
export function CacheEvict<A extends unknown[] = any[]>(options: CacheEvictOptions<NoInfer<A>>): MethodDecorator {
  const context = { decorator: '@CacheEvict', allowResult: true };
  const keys = options.keys === undefined ? [] : Array.isArray(options.keys) ? options.keys : [options.keys];
  if (keys.length === 0 && options.tags === undefined && options.pattern === undefined) {
    throw new TypeError('@CacheEvict needs keys, tags or a pattern');
  }
  const plan: CacheEvictPlan = {
    keys: keys.map((key) => compileKeySource(key as KeySource, context)),
    tags: options.tags === undefined ? undefined : compileTagsSource(options.tags as TagsSource, context),
    pattern: options.pattern === undefined ? undefined : compileKeySource(options.pattern as KeySource, context),
  };
  return (_target, propertyKey, descriptor) => {
    appendMethodMetadata(CACHE_EVICT_METADATA, decoratedMethod('@CacheEvict', propertyKey, descriptor), plan);
  };
}
