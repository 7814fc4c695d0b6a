import type { KeyScope } from '../util/key-scope';
import type { CacheEventListener } from './cache-events';

/**
 * A namespace's listener: it hears the events of the namespace's keys, with keys relative to it,
 * and the invalidations of the whole cache (key `*`: a clear, a reconnect, the pattern `*`), which
 * empty the namespace too.
 */
export function scopedListener(scope: KeyScope, listener: CacheEventListener): CacheEventListener {
  return (event) => {
    if (scope.contains(event.key)) listener({ ...event, key: scope.relative(event.key) });
    else if (event.key === '*' && event.reason !== undefined) listener(event);
  };
}
