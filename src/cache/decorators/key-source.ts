import { resolveLoadPlan } from '../pipeline/load-plan';
import type { DecoratorLoadOptions, KeyedCachePlan } from './cache-decorator.metadata';
import { compileKeyTemplate } from './key-template';

/**
 * A cache key: a template such as `session:{0}` (see compileKeyTemplate) or a function of the
 * method's arguments (and, for @CachePut and @CacheEvict, its result), called with `this` = the
 * provider instance. A function's return value is used as is: escaping is then up to it.
 */
export type KeySource<A extends unknown[] = any[]> = string | KeyFunction<A>;

/** Cache tags: a list of templates, or a function returning the tags (same `this`, args, result). */
export type TagsSource<A extends unknown[] = any[]> = readonly string[] | TagsFunction<A>;

/**
 * `(this: any, args: A, result?: unknown) => string`, with its `args` compared bivariantly (method
 * syntax), so that each function may name the argument tuple it reads: `([id]: [string]) => ...`
 * for the key and `([id, limit]: [string, number]) => ...` for the tags of the same method. Under
 * strictFunctionTypes a plain function type would reject both against `any[]`.
 */
export type KeyFunction<A extends unknown[] = any[]> = {
  bivariant(this: any, args: A, result?: unknown): string;
}['bivariant'];
export type TagsFunction<A extends unknown[] = any[]> = {
  bivariant(this: any, args: A, result?: unknown): readonly string[];
}['bivariant'];

/** A key or tags source made callable: `this` is the provider instance. */
export type KeyRenderer = (this: unknown, args: unknown[], result?: unknown) => string;
export type TagsRenderer = (this: unknown, args: unknown[], result?: unknown) => readonly string[];

export interface SourceContext {
  /** The decorator's name, for error messages. */
  decorator: string;
  /** Whether `{result}` may be used: false for @Cacheable, whose key is needed before the call. */
  allowResult: boolean;
}

export function compileKeySource(source: KeySource, context: SourceContext): KeyRenderer {
  if (typeof source === 'function') return source as KeyRenderer;
  if (typeof source !== 'string') {
    throw new TypeError(`${context.decorator}: a key must be a template string or a function (got ${typeof source})`);
  }
  const render = compileKeyTemplate(source, context);
  return (args, result) => render(args, result);
}

export function compileTagsSource(source: TagsSource, context: SourceContext): TagsRenderer {
  if (typeof source === 'function') return source as TagsRenderer;
  if (!Array.isArray(source)) {
    throw new TypeError(`${context.decorator}: tags must be an array of templates or a function (got ${typeof source})`);
  }
  const renders = source.map((tag: unknown) => compileKeySource(tag as KeySource, context));
  return function (this: unknown, args, result) {
    return renders.map((render) => render.call(this, args, result));
  };
}

/** What @Cacheable and @CachePut are given. */
export interface KeyedDecoratorOptions extends DecoratorLoadOptions {
  key: KeySource;
  ttlMs?: number;
  tags?: TagsSource;
}

const NO_DEFAULTS = { defaultTtlMs: 0, graceMs: 0, jitterMs: 0, failSafeThrottleMs: 0 };

/**
 * The options of @Cacheable and @CachePut, compiled once at decoration time; a bad duration is
 * refused there, naming the decorator, instead of failing every call.
 */
export function compileKeyedPlan(options: KeyedDecoratorOptions, context: SourceContext): KeyedCachePlan {
  const { key, ttlMs, tags, graceMs, jitterMs, softTimeoutMs, hardTimeoutMs, failSafeThrottleMs } = options;
  const load: DecoratorLoadOptions = { graceMs, jitterMs, softTimeoutMs, hardTimeoutMs, failSafeThrottleMs };
  try {
    resolveLoadPlan({ ttlMs, ...load }, NO_DEFAULTS);
  } catch (error) {
    throw new TypeError(`${context.decorator}: ${(error as Error).message}`, { cause: error });
  }
  return {
    key: compileKeySource(key, context),
    ttlMs,
    tags: tags === undefined ? undefined : compileTagsSource(tags, context),
    load,
  };
}
