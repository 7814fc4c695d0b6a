import type { L2Operation, CacheTelemetry } from '../telemetry/cache-telemetry';
import type { RedisStore, RedisStoreStats } from '../stores/redis.store';
import { RedisCallGuard, RedisCallStats } from './redis-call-guard';
import { RedisConnectionState, RedisStoreEvent } from './redis-connection-state';

export interface GuardedRedisOptions {
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  circuitFailureThreshold: number;
  circuitOpenMs: number;
  /** Shown in logs, without its password. */
  description?: string;
  /** Receives the duration and outcome of every call. */
  telemetry?: CacheTelemetry;
}

export type GuardedRedisStats = RedisStoreStats & RedisCallStats;

/**
 * The Redis driver as the tier reaches it: connected and closed here, every call through the
 * guard (deadline, circuit breaker, counters, telemetry), every change of the connection or the
 * circuit followed and logged once (RedisConnectionState).
 */
export class GuardedRedis {
  private readonly guard: RedisCallGuard;
  private readonly state: RedisConnectionState;

  constructor(
    readonly store: RedisStore,
    private readonly options: GuardedRedisOptions,
  ) {
    const circuit = { failureThreshold: options.circuitFailureThreshold, openMs: options.circuitOpenMs };
    this.state = new RedisConnectionState(options.description ?? 'redis', circuit);
    this.guard = new RedisCallGuard({
      ...options,
      onCircuitChange: (state, previous) => this.state.circuitChanged(state, previous),
      onError: (error) => this.state.errored(error),
    });
    const client = store.client;
    client.on('ready', () => {
      this.guard.probeNow();
      this.state.ready();
    });
    client.on('close', () => this.state.closed());
    client.on('error', (error: Error) => this.state.errored(error));
  }

  /** True while the client is connected (the circuit breaker may still refuse calls). */
  get connected(): boolean {
    return this.store.connected;
  }

  /** Connected, and the circuit breaker lets calls through (a lease on a Redis away would only wait). */
  get available(): boolean {
    return this.store.connected && this.guard.stats().circuit !== 'open';
  }

  /**
   * Connects, waiting at most `connectTimeoutMs`. Resolves false (never throws) when Redis is not
   * there: the client goes on reconnecting in the background and the cache serves from memory.
   */
  async connect(): Promise<boolean> {
    const client = this.store.client;
    if (client.status === 'ready') return true;
    const ready = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), this.options.connectTimeoutMs);
      client.once('ready', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (client.status === 'wait') client.connect().catch(() => undefined);
    const connected = await ready;
    if (!connected) this.state.unavailableAtBoot();
    return connected;
  }

  async close(): Promise<void> {
    this.state.closingOnPurpose();
    await this.store.close();
  }

  /** Listens to connection and circuit changes; returns the unsubscribe function. */
  onEvent(listener: (event: RedisStoreEvent) => void): () => void {
    return this.state.onEvent(listener);
  }

  run<T>(operation: L2Operation, call: (store: RedisStore) => Promise<T>): Promise<T> {
    return this.guard.run(operation, () => call(this.store));
  }

  stats(): GuardedRedisStats {
    return { ...this.store.stats(), ...this.guard.stats() };
  }
}
