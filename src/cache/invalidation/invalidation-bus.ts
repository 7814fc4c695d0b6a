import { Logger } from '@nestjs/common';
import { closeRedisClient, RedisClient } from '../stores/redis-client.factory';
import type { RedisStore } from '../stores/redis.store';
import type { CacheTelemetry } from '../telemetry/cache-telemetry';
import { InvalidationMessage, parseInvalidationMessage } from './invalidation-message';
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
   * The subscription (re)started: messages sent while it was down are lost, so whatever
   * L1 holds may be stale.
   */
  onSubscribed(): void;
}

/**
 * Keeps the L1 tiers of every instance coherent over Redis pub/sub. Publishes through the store's
 * guarded connection (bounded by the command timeout and the circuit breaker) and listens on a
 * connection of its own.
 */
export class InvalidationBus {
  private readonly logger = new Logger('ChatCache');
  private readonly subscriber: RedisClient;
  private counters = { sent: 0, received: 0, publishErrors: 0, malformed: 0, lastReceivedAt: 0 };
  private subscribed = false;
  private closed = false;

  constructor(
    private readonly store: RedisStore,
    readonly channel: string,
    private readonly instanceId: string,
    private readonly handlers: InvalidationBusHandlers,
    private readonly telemetry?: CacheTelemetry,
  ) {
    this.subscriber = store.createSubscriber();
    this.subscriber.on('error', () => undefined); // the store logs connection state changes
    this.subscriber.on('ready', () => void this.subscribe());
    this.subscriber.on('close', () => {
      this.subscribed = false;
    });
    this.subscriber.on('message', (channel: string, raw: string) => this.receive(channel, raw));
  }

  /** Starts listening; resolves once subscribed or once it is clear Redis is not there yet. */
  async start(): Promise<void> {
    if (this.subscriber.status === 'wait') await this.subscriber.connect().catch(() => undefined);
  }

  /** Tells the other instances; never throws (a lost message is covered by the flush on resubscribe). */
  async publish(message: Omit<InvalidationMessage, 'instance' | 'sentAt'>): Promise<boolean> {
    const full: InvalidationMessage = { instance: this.instanceId, sentAt: Date.now(), ...message };
    try {
      for (const raw of encodeInvalidationMessages(full)) {
        await this.store.publish(this.channel, raw);
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
    await closeRedisClient(this.subscriber);
  }

  private async subscribe(): Promise<void> {
    if (this.closed) return;
    try {
      await this.subscriber.subscribe(this.channel);
      this.subscribed = true;
      this.handlers.onSubscribed();
    } catch (error) {
      this.logger.warn(`invalidation bus could not subscribe: ${(error as Error).message}`);
    }
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
    if (this.telemetry?.active && typeof message.sentAt === 'number') {
      this.telemetry.busDelivery({ lagMs: Math.max(0, this.counters.lastReceivedAt - message.sentAt), reason: message.reason });
    }
    this.handlers.onMessage(message);
  }
}
