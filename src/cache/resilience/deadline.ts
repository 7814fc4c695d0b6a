/**
 * Rejects with a "timed out" error once `ms` pass, whatever `promise` is still doing. ioredis bounds
 * each command; this bounds a call made of several (a tagged read is a GET, then the tag versions).
 */
export function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis call timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
