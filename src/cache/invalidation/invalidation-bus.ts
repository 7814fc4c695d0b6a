import { Logger } from '@nestjs/common';
import { closeRedisClient, reconnectDelayMs, RedisClient } from '../stores/redis-client.factory';
import { Announcement, InvalidationMessage, InvalidationReason, parseInvalidationMessage } from './invalidation-message';
import { encodeInvalidationMessages } from './invalidation-message-encoder';

export interface InvalidationBusStats {
  sent: number;
  received: number;
  publishErrors: number;
  /** Messages that were not ours to read (malformed, or from another protocol). */
  malformed: number;
  /** Epoch ms of the last message received from another instance, 0 if none yet. */
  lastReceivedAt: number;
  subscribed: boolean;
}

export interface InvalidationBusHandlers {
  /** A message of another instance. */
  onMessage(message: InvalidationMessage): void;
  /**
   * The subscription restarted (or started only after boot stopped waiting for it): messages
   * sent while it was down are lost, so whatever L1 holds may be stale.
   */
  onSubscribed(): void;
  /** A message of another instance arrived `lagMs` after it was sent (for telemetry). */
  onDelivered?(lagMs: number, reason: InvalidationReason): void;
}

/** Where the bus sends: a guarded call of the shared connection (see RedisTier for why it shares it). */
export type PublishCall = (channel: string, message: string) => Promise<unknown>;

export interface InvalidationBusOptions {
  /** How long `start` waits for the first subscription before boot goes on without it. */
  bootWaitMs: number;
}

/**
 * Keeps the L1 tiers of every instance coherent over Redis pub/sub. Publishes through `publish`
 * (the shared connection, bounded by the command timeout and the circuit breaker) and listens on
 * `subscriber`, a connection of its own.
 *
 * The bus alone subscribes, on every 'ready' of its connection (ioredis's own resubscription is
 * off, see `RedisStore.createSubscriber`): one mechanism, whose failures are caught and retried.
 */
export class InvalidationBus {
  private readonly logger = new Logger('ChatCache');
  private counters = { sent: 0, received: 0, publishErrors: 0, malformed: 0, lastReceivedAt: 0 };
  private subscribed = false;
  private closed = false;
  /** Set while `start` waits: the subscription that ends the wait is the first, not a resubscription. */
  private endBootWait: ((subscribed: boolean) => void) | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failedAttempts = 0;

  constructor(
    private readonly subscriber: RedisClient,
    private readonly publishCall: PublishCall,
    readonly channel: string,
    private readonly instanceId: string,
    private readonly handlers: InvalidationBusHandlers,
    private readonly options: InvalidationBusOptions,
  ) {
    this.subscriber.on('error', () => undefined); // the store logs connection state changes
    this.subscriber.on('ready', () => void this.subscribe());
    this.subscriber.on('close', () => {
      this.subscribed = false;
    });
    this.subscriber.on('message', (channel: string, raw: string) => this.receive(channel, raw));
  }

  /**
   * Starts listening; resolves true once subscribed, false after `bootWaitMs` without a
   * subscription (Redis is not there yet: the bus subscribes when it comes, and flushes L1 then).
   * Boot waits so that the first subscription, which has missed nothing, does not flush what the
   * first requests cache.
   */
  async start(): Promise<boolean> {
    if (this.subscribed) return true;
    const subscribed = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => finish(false), this.options.bootWaitMs);
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        this.endBootWait = undefined;
        resolve(ok);
      };
      this.endBootWait = finish;
    });
    if (this.subscriber.status === 'wait') this.subscriber.connect().catch(() => undefined);
    return subscribed;
  }

  /** Tells the other instances; never throws (a lost message is covered by the flush on resubscribe). */
  async publish(message: Announcement): Promise<boolean> {
    const full: InvalidationMessage = { instance: this.instanceId, sentAt: Date.now(), ...message };
    try {
      for (const raw of encodeInvalidationMessages(full)) {
        await this.publishCall(this.channel, raw);
        this.counters.sent++;
      }
      return true;
    } catch {
      this.counters.publishErrors++;
      return false;
    }
  }

  stats(): InvalidationBusStats {
    return { ...this.counters, subscribed: this.subscribed };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.endBootWait?.(false);
    await closeRedisClient(this.subscriber);
  }

  /** Never rejects: a refused or timed-out SUBSCRIBE is retried while the connection stays up. */
  private async subscribe(): Promise<void> {
    if (this.closed || this.subscribed) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    try {
      await this.subscriber.subscribe(this.channel);
    } catch (error) {
      if (this.closed) return;
      if (this.failedAttempts++ === 0) this.logger.warn(`invalidation bus could not subscribe, retrying: ${(error as Error).message}`);
      // A dropped connection subscribes again on its next 'ready'; a live one that refused
      // (ACL, a timeout under load) is asked again after a back-off.
      if (this.subscriber.status === 'ready') {
        this.retryTimer = setTimeout(() => void this.subscribe(), reconnectDelayMs(this.failedAttempts));
        this.retryTimer.unref();
      }
      return;
    }
    if (this.closed) return;
    this.subscribed = true;
    if (this.failedAttempts > 0) this.logger.log('invalidation bus subscribed again');
    this.failedAttempts = 0;
    if (this.endBootWait) this.endBootWait(true);
    else this.handlers.onSubscribed();
  }

  private receive(channel: string, raw: string): void {
    if (channel !== this.channel) return;
    const message = parseInvalidationMessage(raw);
    if (message === undefined) {
      this.counters.malformed++;
      return;
    }
    if (message.instance === this.instanceId) return;
    this.counters.received++;
    this.counters.lastReceivedAt = Date.now();
    if (this.handlers.onDelivered && typeof message.sentAt === 'number') {
      this.handlers.onDelivered(Math.max(0, this.counters.lastReceivedAt - message.sentAt), message.reason);
    }
    this.handlers.onMessage(message);
  }
}
