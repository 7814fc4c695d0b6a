import { FactoryOutcome } from '../util/factory-failure';

/**
 * CacheService reads `undefined` as "no value", so a method that returns undefined would be called
 * on every read. The wrappers store this marker instead and turn it back into undefined on the way
 * out. A plain object, not a symbol or class, so that it survives the Redis tier unchanged.
 */
const UNDEFINED_MARKER_KEY = '__chatCache:undefined';

export function boxResult(value: unknown): unknown {
  return value === undefined ? { [UNDEFINED_MARKER_KEY]: true } : value;
}

export function unboxResult(value: unknown): unknown {
  if (
    value !== null &&
    typeof value === 'object' &&
    (value as Record<string, unknown>)[UNDEFINED_MARKER_KEY] === true &&
    Object.keys(value).length === 1
  ) {
    return undefined;
  }
  return value;
}

/**
 * An error thrown by the cached method itself, carried through CacheService.getOrSet so that the
 * wrapper tells it from a cache failure: the method's error is rethrown unchanged (to the caller
 * and to every caller that joined the same load), a cache failure is absorbed.
 */
export class MethodFailure extends FactoryOutcome {
  constructor(readonly error: unknown) {
    super();
  }
}
