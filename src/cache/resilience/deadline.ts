import { CacheCommandTimeoutError } from '../errors';

/**
 * Rejects with a CacheCommandTimeoutError once `ms` pass, whatever the work is still doing. ioredis
 * bounds each command; this bounds a call made of several (a tagged read is a GET, then the tag
 * versions). Given a function, the timer starts before the work does: a deadline of the same length
 * as ioredis's own command timeout then always fires first, so a timeout is always this error.
 */
export function withDeadline<T>(work: Promise<T> | (() => Promise<T>), ms: number): Promise<T> {
  // One promise and one timer a call (this bounds every Redis call): no race of two promises, no `finally`.
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(expire, ms, reject, ms);
    let promise: Promise<T>;
    try {
      promise = typeof work === 'function' ? work() : work;
    } catch (error) {
      clearTimeout(timer);
      reject(error);
      return;
    }
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function expire(reject: (error: CacheCommandTimeoutError) => void, ms: number): void {
  reject(new CacheCommandTimeoutError(ms));
}
