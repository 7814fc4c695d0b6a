import { Logger } from '@nestjs/common';
import type { CircuitState } from '../resilience/circuit-breaker';
import { logfmt } from '../util/logfmt';

export type RedisStoreEvent = 'ready' | 'lost' | 'circuit-open' | 'circuit-closed';

/**
 * Follows the Redis connection and circuit breaker, tells listeners, and logs exactly one line per
 * change an operator cares about, in logfmt:
 *
 *   redis.connected   redis=redis://host:6379/
 *   redis.unavailable redis=… reason="connect ECONNREFUSED …" impact="…"   (not there at boot)
 *   redis.lost        redis=… reason="…" impact="…"
 *   redis.circuit_open redis=… failures=5 retry_in_ms=5000 impact="…"
 *   redis.recovered   redis=… via=reconnect|circuit down_ms=1234
 *
 * ioredis reports every failed reconnect attempt as an error: those are remembered as the
 * `reason`, not logged, so that a long outage is two lines (lost, recovered), not thousands.
 */
export class RedisConnectionState {
  private readonly logger = new Logger('ChatCache');
  private readonly listeners = new Set<(event: RedisStoreEvent) => void>();
  private everReady = false;
  /** Epoch ms since when Redis has been reported down (lost, unavailable or circuit open); 0 when up. */
  private downSince = 0;
  private lastError = '';
  private closing = false;

  constructor(
    private readonly redis: string,
    private readonly circuit: { failureThreshold: number; openMs: number },
  ) {}

  /** Listens to connection and circuit changes; returns the unsubscribe function. */
  onEvent(listener: (event: RedisStoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  errored(error: Error): void {
    this.lastError = error.message;
  }

  /** We are closing the connection ourselves: that is not an outage. */
  closingOnPurpose(): void {
    this.closing = true;
  }

  /** The first connection attempt at boot did not succeed in time. */
  unavailableAtBoot(): void {
    if (this.downSince !== 0) return;
    this.downSince = Date.now();
    this.logger.warn(
      logfmt('redis.unavailable', {
        redis: this.redis,
        reason: this.lastError || 'no answer',
        impact: 'serving from memory, reconnecting in the background',
      }),
    );
  }

  ready(): void {
    if (this.everReady && this.downSince !== 0) this.logRecovered('reconnect');
    else if (!this.everReady) this.logger.log(logfmt('redis.connected', { redis: this.redis }));
    this.everReady = true;
    this.downSince = 0;
    this.emit('ready');
  }

  closed(): void {
    if (this.closing || this.downSince !== 0 || !this.everReady) return;
    this.downSince = Date.now();
    this.logger.warn(
      logfmt('redis.lost', {
        redis: this.redis,
        reason: this.lastError || 'connection closed',
        impact: 'serving from memory while reconnecting',
      }),
    );
    this.emit('lost');
  }

  circuitChanged(state: CircuitState, previous: CircuitState): void {
    if (state === 'open' && previous === 'closed') {
      if (this.downSince === 0) this.downSince = Date.now();
      this.logger.warn(
        logfmt('redis.circuit_open', {
          redis: this.redis,
          failures: this.circuit.failureThreshold,
          retry_in_ms: this.circuit.openMs,
          reason: this.lastError || undefined,
          impact: 'skipping Redis: reads are misses, writes are replayed later',
        }),
      );
      this.emit('circuit-open');
    } else if (state === 'closed') {
      if (this.downSince !== 0) this.logRecovered('circuit');
      this.downSince = 0;
      this.emit('circuit-closed');
    }
  }

  private logRecovered(via: 'reconnect' | 'circuit'): void {
    this.logger.log(logfmt('redis.recovered', { redis: this.redis, via, down_ms: Date.now() - this.downSince }));
  }

  private emit(event: RedisStoreEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
