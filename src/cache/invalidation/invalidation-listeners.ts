import { Logger } from '@nestjs/common';
import type { Announcement, InvalidationEvent } from './invalidation-message';

export type InvalidationListener = (event: InvalidationEvent) => void;

/** Who hears of invalidations in this process (`CacheService.onInvalidate`): a failing listener fails nothing else. */
export class InvalidationListeners {
  private readonly logger = new Logger('ChatCache');
  private readonly listeners = new Set<InvalidationListener>();
  /** Listeners that threw. */
  errors = 0;

  /** Returns the unsubscribe function. */
  add(listener: InvalidationListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  notify(announcement: Announcement, origin: InvalidationEvent['origin']): void {
    if (this.listeners.size === 0) return;
    const event: InvalidationEvent = {
      keys: announcement.keys ?? [],
      tags: announcement.tags ?? [],
      patterns: announcement.patterns ?? [],
      clear: announcement.clear ?? false,
      origin,
      reason: announcement.reason,
    };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.errors++;
        this.logger.error(`an onInvalidate listener failed: ${(error as Error).message}`);
      }
    }
  }
}
