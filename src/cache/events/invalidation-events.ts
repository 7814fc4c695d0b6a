import type { InvalidationEvent } from '../invalidation/invalidation-message';
import type { CacheEvents } from './cache-events';

/**
 * Turns an invalidation (as `onInvalidate` hears it) into `delete` and `invalidate` events: a local
 * delete is one `delete` per key; everything else, local or from another instance, one `invalidate`
 * per key, tag, pattern, or `*` for a clear (its `reason` says which).
 */
export function emitInvalidation(events: CacheEvents, invalidation: InvalidationEvent): void {
  if (!events.listening.delete && !events.listening.invalidate) return;
  const { origin, reason } = invalidation;
  if (origin === 'local' && reason === 'delete') {
    for (const key of invalidation.keys) events.emit('delete', { key });
    return;
  }
  const selectors = invalidation.clear ? ['*'] : [...invalidation.keys, ...invalidation.tags, ...invalidation.patterns];
  for (const key of selectors) events.emit('invalidate', { key, reason, origin });
}
