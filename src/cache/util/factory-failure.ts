import { HttpException } from '@nestjs/common';

/**
 * What the decorators and the HTTP cache throw through `getOrSet` in place of their method's or
 * handler's own error, so that they can tell it from a failure of the cache: `error` is what the
 * method threw. (A result to answer but not store is no error: the factory calls `skipCache()`.)
 */
export abstract class FactoryOutcome {
  abstract readonly error: unknown;
}

/**
 * Whether a factory's error counts in `stats().factory.errors`. An HttpException below 500 (the
 * NotFound of a missing row, a Forbidden) is the factory's answer, passed to its callers as is:
 * counting it made every ordinary 404 look like a failing loader.
 */
export function isFactoryFailure(thrown: unknown): boolean {
  const error = thrown instanceof FactoryOutcome ? thrown.error : thrown;
  if (error === undefined) return false;
  return !(error instanceof HttpException && error.getStatus() < 500);
}
