import { INTERNAL_KEY_NAMESPACE } from '../chat-cache.constants';
import { ClusterLease, type LeaseRedisClient } from '../locks/cluster-lease';
import { loadUnderLease, type LeasedLoadSteps } from '../locks/load-under-lease';
import { RedisPubSubLeaseWake } from '../locks/lease-wake';
import { closeRedisClient, type RedisClient } from '../stores/redis-client.factory';
import type { RedisStore } from '../stores/redis.store';

/**
 * The cluster lease of one cache: one ClusterLease over the store's connection and one subscriber
 * connection for its wake-ups (channel `<prefix>__cc:lease-released`), opened by the first lease
 * taken (a cache that never asks for `lock: 'cluster'` holds no extra connection). Every lease call
 * is bounded by the Redis command timeout; a subscriber not (yet) there only makes waiters poll.
 */
export class RedisLease {
  private readonly lease: ClusterLease;
  private readonly subscriber: RedisClient;
  private readonly wake: RedisPubSubLeaseWake;
  private wakeStarted = false;
  private stopped = false;
  private readonly resubscribe = () => {
    this.wake.stop(); // start() adds its message listener again
    this.wake.start().catch(() => undefined);
  };

  constructor(store: RedisStore, prefix: string, commandTimeoutMs: number) {
    this.subscriber = store.createSubscriber();
    this.wake = new RedisPubSubLeaseWake(this.subscriber, `${prefix}${INTERNAL_KEY_NAMESPACE}lease-released`);
    this.lease = new ClusterLease(store.client as unknown as LeaseRedisClient, { prefix, commandTimeoutMs, wake: this.wake });
  }

  /** Connects the subscriber in the background, once: no caller waits for it, waiters poll until it is there. */
  private startWake(): void {
    if (this.wakeStarted || this.stopped) return;
    this.wakeStarted = true;
    // The subscriber does not resubscribe by itself (see RedisStore.createSubscriber): every 'ready' does.
    this.subscriber.on('ready', this.resubscribe);
    if (this.subscriber.status === 'wait') this.subscriber.connect().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.subscriber.off('ready', this.resubscribe);
    this.wake.stop();
    await closeRedisClient(this.subscriber);
  }

  load<T>(key: string, steps: LeasedLoadSteps<T>): Promise<T> {
    this.startWake();
    return loadUnderLease(this.lease, key, steps);
  }

  /** Runs `work` holding the lease on `key` if it is free; false when another holds it. "Unavailable" runs it all the same. */
  async runIfFree(key: string, work: () => Promise<void>): Promise<boolean> {
    this.startWake();
    const attempt = await this.lease.acquire(key);
    if (attempt.outcome === 'busy') return false;
    try {
      await work();
    } finally {
      if (attempt.outcome === 'acquired') await attempt.lease.release();
    }
    return true;
  }
}
