import { context, createContextKey, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { FactoryOutcome, isFactoryFailure } from '../util/factory-failure';
import { ATTR, GET_OR_SET_SPAN, keyHash, type AnsweringTier, type LoadOutcome } from './span-attributes';
import { tracing } from './tracing-switch';

/**
 * What a load found out about itself, written by the load step while it runs (inside the getOrSet
 * span's context) and read when the span ends. Callers that joined a load in progress share the
 * record of the call that started it.
 */
export class LoadTrace {
  tier: AnsweringTier | undefined;
  outcome: LoadOutcome | undefined;
  factoryDurationMs: number | undefined;
  lockWaitMs: number | undefined;

  constructor(readonly span: Span) {}

  answered(tier: AnsweringTier, outcome: LoadOutcome): void {
    this.tier = tier;
    this.outcome = outcome;
  }

  /** For the cluster lease: the load waited `waitMs` for another instance's lease. */
  waitedForLock(waitMs: number): void {
    this.lockWaitMs = (this.lockWaitMs ?? 0) + waitMs;
  }
}

const LOAD_TRACE = createContextKey('chat-cache load trace');

/** The record of the getOrSet load running in this async context, if it is traced. */
export function currentLoadTrace(): LoadTrace | undefined {
  if (!tracing.lastAnswer) return undefined;
  return context.active().getValue(LOAD_TRACE) as LoadTrace | undefined;
}

/** A getOrSet answered by L1: a span that starts and ends here. Call only when `tracing.on`. */
export function traceMemoryHit(key: string): void {
  tracing.tracer
    .startSpan(GET_OR_SET_SPAN, { attributes: { [ATTR.keyHash]: keyHash(key), [ATTR.tier]: 'memory', [ATTR.outcome]: 'hit' } })
    .end();
}

/** The records of loads by the promise the single-flight hands to every caller of the load. */
const recordsOfLoads = new WeakMap<Promise<unknown>, LoadTrace>();

/**
 * A getOrSet after an L1 miss, inside a span that is the active span while the load runs (so the
 * Redis calls' spans are its children). Call only when `tracing.on`.
 */
export function traceLoad<T>(key: string, load: () => Promise<T>): Promise<T> {
  const span = tracing.tracer.startSpan(GET_OR_SET_SPAN, { attributes: { [ATTR.keyHash]: keyHash(key) } });
  const own = new LoadTrace(span);
  let promise: Promise<T>;
  try {
    promise = context.with(trace.setSpan(context.active(), span).setValue(LOAD_TRACE, own), load);
  } catch (error) {
    endLoadSpan(span, own, false, error);
    throw error;
  }
  // A caller that joined a load in progress gets the promise of the caller that started it.
  const started = recordsOfLoads.get(promise);
  if (started === undefined) recordsOfLoads.set(promise, own);
  const record = started ?? own;
  return promise.then(
    (value) => {
      endLoadSpan(span, record, started !== undefined);
      return value;
    },
    (error: unknown) => {
      endLoadSpan(span, record, started !== undefined, error);
      throw error;
    },
  );
}

/** Runs the factory, marking the load as answered by it and timing it. */
export async function traceFactory<T>(run: () => Promise<T>): Promise<T> {
  const record = currentLoadTrace();
  if (record === undefined) return run();
  record.answered('factory', 'miss');
  const startedAt = performance.now();
  try {
    return await run();
  } finally {
    record.factoryDurationMs = performance.now() - startedAt;
  }
}

function endLoadSpan(span: Span, record: LoadTrace, joined: boolean, error?: unknown): void {
  if (record.tier !== undefined) span.setAttribute(ATTR.tier, record.tier);
  if (record.outcome !== undefined) span.setAttribute(ATTR.outcome, record.outcome);
  if (record.factoryDurationMs !== undefined) span.setAttribute(ATTR.factoryDurationMs, record.factoryDurationMs);
  if (record.lockWaitMs !== undefined) {
    span.setAttribute(ATTR.lockWaited, record.lockWaitMs > 0);
    span.setAttribute(ATTR.lockWaitMs, record.lockWaitMs);
  }
  if (joined) span.setAttribute(ATTR.joined, true);
  if (error !== undefined) recordFailure(span, error);
  span.end();
}

/**
 * A factory's error reaches the caller: recorded on the span, and an error status unless it is the
 * factory's answer (an HttpException below 500, a NotFound: see isFactoryFailure).
 */
function recordFailure(span: Span, thrown: unknown): void {
  const error = thrown instanceof FactoryOutcome ? thrown.error : thrown;
  span.recordException(error instanceof Error ? error : String(error));
  if (isFactoryFailure(thrown))
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}
