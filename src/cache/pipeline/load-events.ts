/**
 * What a load reports besides its answer, for `on(event)` (metrics, tracing). The load step only
 * emits; the facade decides who listens (NO_LOAD_EVENTS until then).
 */
export type LoadEventName = 'stale' | 'factory-error' | 'timeout';

export interface LoadEvent {
  key: string;
  /** 'stale': the tier the stale value came from. */
  tier?: 'memory' | 'redis';
  /** 'factory-error': what the factory threw (its value was answered from grace instead). */
  error?: unknown;
  /** 'timeout': the timeout that ran out, and whether it was the soft one (a stale value was at hand). */
  timeoutMs?: number;
  soft?: boolean;
}

export interface LoadEvents {
  emit(event: LoadEventName, payload: LoadEvent): void;
}

export const NO_LOAD_EVENTS: LoadEvents = { emit() {} };
