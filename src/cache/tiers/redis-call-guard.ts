import { ReplyError } from 'ioredis';
import { CacheCommandTimeoutError, CircuitOpenError } from '../errors';
import { CircuitBreaker, CircuitState } from '../resilience/circuit-breaker';
import { withDeadline } from '../resilience/deadline';
import type { CacheTelemetry, L2Operation, L2Outcome } from '../telemetry/cache-telemetry';
import { traceRedisCall } from '../telemetry/redis-call-span'; // TRACING
import { tracing } from '../telemetry/tracing-switch'; // TRACING

/** The start time of a call nobody observes (see `observed`): not read from the clock. */
const UNOBSERVED = -1;

export interface RedisCallGuardOptions {
  commandTimeoutMs: number;
  circuitFailureThreshold: number;
  circuitOpenMs: number;
  onCircuitChange(state: CircuitState, previous: CircuitState): void;
  onError(error: Error): void;
  telemetry?: CacheTelemetry;
}

export interface RedisCallStats {
  errors: number;
  timeouts: number;
  /** Calls refused at once because the circuit was open. */
  rejections: number;
  circuit: CircuitState;
}

/**
 * What every call to the Redis driver goes through: a deadline of `commandTimeoutMs` for the whole
 * call (a tagged read or write is two round trips, and waits no longer than one), the circuit
 * breaker, the error and timeout counters, and telemetry. Failures are rethrown; the tier decides
 * what they mean (a miss, a repair).
 */
export class RedisCallGuard {
  private readonly breaker: CircuitBreaker;
  private counters = { errors: 0, timeouts: 0, rejections: 0 };

  constructor(private readonly options: RedisCallGuardOptions) {
    this.breaker = new CircuitBreaker({
      failureThreshold: options.circuitFailureThreshold,
      openMs: options.circuitOpenMs,
      onStateChange: options.onCircuitChange,
    });
  }

  /** Redis says it is back (a reconnect): the next call may probe at once. */
  probeNow(): void {
    this.breaker.probeNow();
  }

  async run<T>(operation: L2Operation, call: () => Promise<T>): Promise<T> {
    if (!this.breaker.allowRequest()) {
      this.counters.rejections++;
      if (this.observed()) this.report(operation, 'rejected', performance.now());
      throw new CircuitOpenError();
    }
    // Timed only when someone watches (a telemetry listener, a tracer provider): two clock reads a
    // call are not free, and nothing else reads them.
    const startedAt = this.observed() ? performance.now() : UNOBSERVED;
    try {
      const result = await withDeadline(call, this.options.commandTimeoutMs);
      this.breaker.recordSuccess();
      if (startedAt !== UNOBSERVED) this.report(operation, 'ok', startedAt);
      return result;
    } catch (error) {
      // A reply error (OOM, READONLY, NOPERM) came back at once from a Redis that is there: the
      // breaker is for a Redis that does not answer, and refused writes must not take reads and
      // the bus away with it.
      if (error instanceof ReplyError) this.breaker.recordSuccess();
      else this.breaker.recordFailure();
      const timedOut = error instanceof CacheCommandTimeoutError;
      if (timedOut) this.counters.timeouts++;
      else this.counters.errors++;
      if (error instanceof Error) this.options.onError(error);
      if (startedAt !== UNOBSERVED) this.report(operation, timedOut ? 'timeout' : 'error', startedAt, error);
      throw error;
    }
  }

  stats(): RedisCallStats {
    return { ...this.counters, circuit: this.breaker.state };
  }

  /** Whether a call starting now is reported: to telemetry listeners, or as a span. */
  private observed(): boolean {
    // The span switch first: it must be read on every call to notice a tracer provider registered later.
    return tracing.on || this.options.telemetry?.active === true;
  }

  private report(operation: L2Operation, outcome: L2Outcome, startedAt: number, error?: unknown): void {
    const telemetry = this.options.telemetry;
    if (telemetry?.active) telemetry.l2Call({ operation, outcome, durationMs: performance.now() - startedAt });
    traceRedisCall(operation, outcome, startedAt, error); // TRACING: a span per call when a tracer provider is registered
  }
}
