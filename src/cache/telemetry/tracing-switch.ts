import { ProxyTracerProvider, trace, type Tracer, type TracerProvider } from '@opentelemetry/api';

/** The name the cache's spans are reported under (the instrumentation scope). */
export const TRACER_NAME = 'nestjs-chat-cache';

/**
 * How many `on` reads reuse the last answer before asking the API again. Asking costs a lookup of
 * the global registry and a version check: fine once per thousand hits, not on every one.
 */
export const RECHECK_EVERY_CALLS = 1024;

/** What `@opentelemetry/api` hands out before any SDK registers: the provider whose spans record nothing. */
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/**
 * Whether the host app registered a tracer provider, and the tracer to use when it did. Without
 * one, the cache starts no span at all: an L1 hit costs a decrement and a compare, and no span
 * object (the API's own no-op spans are allocated per call). Registration is seen within
 * RECHECK_EVERY_CALLS calls (apps register their SDK before they boot, so at once in practice).
 */
export class TracingSwitch {
  private enabled = false;
  private untilRecheck = 0;
  private provider: TracerProvider | undefined;
  private current: Tracer | undefined;

  /** Read on every traced call; it re-asks the API every RECHECK_EVERY_CALLS reads. */
  get on(): boolean {
    if (--this.untilRecheck < 0) this.recheck();
    return this.enabled;
  }

  /** The last answer of `on`, without counting a call: for code that runs only after `on` was read. */
  get lastAnswer(): boolean {
    return this.enabled;
  }

  /** The registered provider's tracer; only meaningful while `on` is true. */
  get tracer(): Tracer {
    return (this.current ??= trace.getTracer(TRACER_NAME));
  }

  /** Asks the API now (a test that registers or removes its SDK calls it; so does every RECHECK_EVERY_CALLS-th read). */
  recheck(): void {
    this.untilRecheck = RECHECK_EVERY_CALLS;
    const provider = registeredProvider();
    // Another provider (the host replaced its SDK): its own tracer.
    if (provider !== this.provider) this.current = undefined;
    this.provider = provider;
    this.enabled = provider !== undefined;
  }
}

/** The provider the host registered, undefined for none. */
function registeredProvider(): TracerProvider | undefined {
  const provider: TracerProvider & { getDelegate?(): TracerProvider } = trace.getTracerProvider();
  const delegate = typeof provider.getDelegate === 'function' ? provider.getDelegate() : provider;
  // By name too: a second copy of the API (not deduplicated by npm) has a no-op provider of its own.
  return delegate === NOOP_PROVIDER || delegate.constructor?.name === 'NoopTracerProvider' ? undefined : delegate;
}

/** One switch for the process: the tracer provider is the process's too. */
export const tracing = new TracingSwitch();
