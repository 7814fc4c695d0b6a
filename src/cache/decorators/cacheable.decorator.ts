import type { CacheLock } from '../chat-cache.options';
import { assertEagerRefresh, assertLock } from '../util/load-options';
import { CACHEABLE_METADATA, CacheablePlan, DecoratorLoadOptions } from './cache-decorator.metadata';
import { decoratedMethod } from './decorated-method';
import { compileKeyedPlan, KeyedDecoratorOptions, KeySource, TagsSource } from './key-source';

/** With getOrSet's options: `graceMs`, `softTimeoutMs`, `hardTimeoutMs`, `jitterMs`, `failSafeThrottleMs` (see CacheGetOrSetOptions). */
export interface CacheableOptions<A extends unknown[] = any[]> extends DecoratorLoadOptions {
  /** `session:{0}` or `([id]) => \`session:${id}\``; `{result}` is not available here. */
  key: KeySource<A>;
  /** Defaults to the module's `defaultTtlMs`; 0 means no expiry. */
  ttlMs?: number;
  /** `invalidateTags` with any of these drops the entry. */
  tags?: TagsSource<A>;
  /** As getOrSet's: 0 < r < 1, a hit past r x TTL answers at once and refreshes in the background. */
  eagerRefresh?: number;
  /** As getOrSet's: 'process' or 'cluster'; the module's `lock` by default. */
  lock?: CacheLock;
}

/**
 * Serves the method's result from the cache: a miss calls the method once, however many callers
 * ask for the same key at the same time (CacheService.getOrSet), and stores what it returns,
 * `null`, `0`, `''`, `false` and `undefined` included. An error thrown by the method reaches every
 * waiting caller unchanged and nothing is cached, unless `graceMs` keeps a stale result to answer
 * instead (fail-safe); past `hardTimeoutMs` without one, the caller gets a CacheFactoryTimeoutError. A cache failure never fails the call: it is
 * logged and counted (CacheableMethodsExplorer.errors) and the method is called directly.
 *
 * - The decorated method becomes async: it returns a Promise even if it was synchronous.
 * - It applies to methods of providers (services), wrapped by CacheableMethodsExplorer when the
 *   module initialises; not to controller route handlers, whose routes Nest registers before
 *   that (use `@HttpCache()` on GET routes), nor to request-scoped providers.
 * - Values come back as the cache stores them: from Redis, class instances are plain objects.
 * - Key and tag functions may each name the argument tuple they read; `@Cacheable<[string]>(...)`
 *   checks them all against one tuple instead.
 *
 * ```ts
 * @Cacheable({ key: ([id]: [string]) => `session:${id}`, tags: ([id]) => [`session:${id}`] })
 * getSession(id: string): Promise<Session> { ... }
 * @Cacheable({ key: 'room:{0.id}', ttlMs: 30_000, tags: ['room:{0.id}', 'rooms'] })
 * getRoom(ref: { id: string }) { ... }
 * ```
 */
export function Cacheable<A extends unknown[] = any[]>(options: CacheableOptions<NoInfer<A>>): MethodDecorator {
  const context = { decorator: '@Cacheable', allowResult: false };
  // Checked here, at decoration time: a wrong option stops the boot instead of failing every call.
  assertEagerRefresh(options.eagerRefresh, '@Cacheable');
  assertLock(options.lock, '@Cacheable');
  const plan: CacheablePlan = {
    ...compileKeyedPlan(options as KeyedDecoratorOptions, context),
    eagerRefresh: options.eagerRefresh,
    lock: options.lock,
  };
  return (_target, propertyKey, descriptor) => {
    const method = decoratedMethod('@Cacheable', propertyKey, descriptor);
    if (Reflect.hasOwnMetadata(CACHEABLE_METADATA, method)) {
      throw new TypeError(`@Cacheable is applied twice to ${String(propertyKey)}: a method has one cache key`);
    }
    Reflect.defineMetadata(CACHEABLE_METADATA, plan, method);
  };
}
