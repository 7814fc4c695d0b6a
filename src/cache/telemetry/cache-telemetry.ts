import { Injectable, Logger } from '@nestjs/common';
import type { InvalidationReason } from '../invalidation/invalidation-message';

/** What a call to Redis did, as `RedisStore` names it. */
export type L2Operation = 'get' | 'get-many' | 'set' | 'delete' | 'snapshot-tags' | 'invalidate-tags' | 'delete-pattern' | 'publish';
/** `rejected`: the circuit was open and Redis was not called. */
export type L2Outcome = 'ok' | 'error' | 'timeout' | 'rejected';

export interface L2CallEvent {
  operation: L2Operation;
  outcome: L2Outcome;
  durationMs: number;
}

export interface BusDeliveryEvent {
  /** Receive time minus the sender's publish time (0 when the clocks of the two hosts disagree). */
  lagMs: number;
  reason: InvalidationReason;
}

/** Observes what only a distribution shows; counters are in `CacheService.stats()`. */
export interface CacheTelemetryListener {
  l2Call?(event: L2CallEvent): void;
  busDelivery?(event: BusDeliveryEvent): void;
}

/**
 * Where the tiers report timings, for whoever wants them (a Prometheus exporter, tracing...).
 * The cache depends on no metrics library: subscribe a listener instead. With no listener,
 * reporting costs a length check.
 */
@Injectable()
export class CacheTelemetry {
  private readonly logger = new Logger('ChatCache');
  private listeners: readonly CacheTelemetryListener[] = [];

  get active(): boolean {
    return this.listeners.length > 0;
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: CacheTelemetryListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  l2Call(event: L2CallEvent): void {
    for (const listener of this.listeners) this.deliver(() => listener.l2Call?.(event));
  }

  busDelivery(event: BusDeliveryEvent): void {
    for (const listener of this.listeners) this.deliver(() => listener.busDelivery?.(event));
  }

  /** A failing listener must not fail the cache call that reported to it. */
  private deliver(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.logger.error(`a telemetry listener failed: ${(error as Error).message}`);
    }
  }
}
