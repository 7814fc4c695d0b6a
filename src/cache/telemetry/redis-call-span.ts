import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { currentLoadTrace } from './get-or-set-span';
import { ATTR, REDIS_FAILURE_ABSORBED_EVENT, REDIS_SPAN_PREFIX } from './span-attributes';
import type { L2Operation, L2Outcome } from './cache-telemetry';
import { tracing } from './tracing-switch';

/**
 * A finished Redis call as a span, a child of the caller's active span (a getOrSet's, or the host's),
 * created when the call ends with the times it started and ended (performance.now() values), so that
 * the guard needs no wrapper around the call. A failed call is an error of its own span; the tier
 * absorbs it (a miss, a journaled write), so for a getOrSet it is an event, not an error.
 */
export function traceRedisCall(operation: L2Operation, outcome: L2Outcome, startedAt: number, error?: unknown): void {
  if (!tracing.on) return;
  const span = tracing.tracer.startSpan(
    REDIS_SPAN_PREFIX + operation,
    {
      kind: SpanKind.CLIENT,
      startTime: startedAt,
      // Both names of the database attribute: backends still key on the older `db.system`.
      attributes: { 'db.system': 'redis', 'db.system.name': 'redis', [ATTR.redisOperation]: operation, [ATTR.redisOutcome]: outcome },
    },
    context.active(),
  );
  if (outcome !== 'ok') {
    if (error instanceof Error) span.recordException(error);
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: outcome === 'rejected' ? 'circuit open: Redis not called' : `Redis call ${outcome}`,
    });
    const load = currentLoadTrace();
    // A background fill ends after its getOrSet span did: an ended span takes no event.
    if (load?.span.isRecording())
      load.span.addEvent(REDIS_FAILURE_ABSORBED_EVENT, { [ATTR.redisOperation]: operation, [ATTR.redisOutcome]: outcome });
  }
  span.end(performance.now());
}
