import { CacheCommandTimeoutError } from '../errors';

/**
 * Rejects with a CacheCommandTimeoutError once `ms` pass, whatever the work is still doing. ioredis
 * bounds each command; this bounds a call made of several (a tagged read is a GET, then the tag
 * versions). Given a function, the timer starts before the work does: a deadline of the same length
 * as ioredis's own command timeout then always fires first, so a timeout is always this error.
 */
export function withDeadline<T>(work: Promise<T> | (() => Promise<T>), ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CacheCommandTimeoutError(ms)), ms);
  });
  let promise: Promise<T>;
  try {
    promise = typeof work === 'function' ? work() : work;
  } catch (error) {
    clearTimeout(timer);
    return Promise.reject(error);
  }
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
