import { Logger } from '@nestjs/common';
import type { InvalidationBus } from '../invalidation/invalidation-bus';
import type { Announcement } from '../invalidation/invalidation-message';
import { L2Repairs, L2RepairJournal } from '../resilience/l2-repair-journal';
import type { GuardedRedis } from './guarded-redis';

const REPAIR_INTERVAL_MS = 250;

/**
 * What Redis missed (the journal) and its replay: removals of whatever may be stale, then an
 * announcement so that every instance drops its L1 copies. Until the replay is done, L2 is not read.
 */
export class RedisRepairs {
  private readonly logger = new Logger('ChatCache');
  private readonly journal = new L2RepairJournal();
  private timer: NodeJS.Timeout | undefined;
  private replaying = false;
  applied = 0;

  constructor(
    private readonly redis: GuardedRedis,
    private readonly bus: InvalidationBus | undefined,
  ) {}

  /** Repairs wait in the journal or are being replayed: until they are done, L2 may be stale. */
  get pending(): boolean {
    return this.replaying || this.journal.pending;
  }

  /** Journals what Redis missed, and replays it every REPAIR_INTERVAL_MS until it lands. */
  remember(repairs: Partial<L2Repairs>): void {
    this.journal.record(repairs);
    if (this.timer === undefined) {
      this.timer = setInterval(() => void this.replay(), REPAIR_INTERVAL_MS);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Replays what Redis missed, then announces it so that every instance drops its L1 copies. */
  async replay(): Promise<void> {
    if (this.replaying || !this.journal.pending || !this.redis.connected) return;
    this.replaying = true;
    const repairs = this.journal.take();
    try {
      await this.removeStale(repairs);
      if (this.bus && !(await this.bus.publish(announcementOf(repairs)))) throw new Error('bus publish failed');
      this.applied++;
      this.logger.log(
        repairs.clearAll
          ? 'Redis repaired after an outage: cleared our prefix (too much was missed to replay)'
          : `Redis repaired after an outage: replayed ${repairs.keys.length} keys, ${repairs.tags.length} tags, ${repairs.patterns.length} patterns`,
      );
      if (!this.journal.pending && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    } catch {
      this.journal.record(repairs);
    } finally {
      this.replaying = false;
    }
  }

  /**
   * Removes from Redis whatever `repairs` says may be stale, with removals only (UNLINK, SCAN):
   * Redis accepts them even when it refuses writes (maxmemory reached). Forgetting a tag's version
   * makes every entry carrying it stale, as a new version would.
   */
  async removeStale(partial: Partial<L2Repairs>): Promise<void> {
    const repairs = completeRepairs(partial);
    if (repairs.clearAll) {
      await this.redis.run('delete-pattern', (store) => store.clear());
      return;
    }
    if (repairs.keys.length > 0) await this.redis.run('delete', (store) => store.delete(repairs.keys));
    if (repairs.tags.length > 0) await this.redis.run('invalidate-tags', (store) => store.forgetTagVersions(repairs.tags));
    for (const pattern of repairs.patterns) await this.redis.run('delete-pattern', (store) => store.deletePattern(pattern));
  }
}

function completeRepairs(repairs: Partial<L2Repairs>): L2Repairs {
  return { keys: repairs.keys ?? [], tags: repairs.tags ?? [], patterns: repairs.patterns ?? [], clearAll: repairs.clearAll ?? false };
}

function announcementOf(repairs: L2Repairs): Announcement {
  if (repairs.clearAll) return { clear: true, reason: 'repair' };
  return { keys: repairs.keys, tags: repairs.tags, patterns: repairs.patterns, reason: 'repair' };
}
