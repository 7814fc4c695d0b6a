import type { CacheService } from '../cache.service';
import type { CacheErrorLog } from './cache-error-log';

/** What a wrapped method needs: the cache, where to report absorbed failures, and its own name for logs. */
export interface CachedMethodContext {
  cache: Pick<CacheService, 'getOrSet' | 'set' | 'delete' | 'invalidateTags' | 'invalidatePattern'>;
  errors: CacheErrorLog;
  /** `SessionService.getSession` */
  label: string;
}
