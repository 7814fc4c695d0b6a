import { trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { RECHECK_EVERY_CALLS, TracingSwitch } from './tracing-switch';

describe('TracingSwitch', () => {
  afterEach(() => trace.disable());

  it('is off while no tracer provider is registered', () => {
    const tracing = new TracingSwitch();
    for (let i = 0; i < 3 * RECHECK_EVERY_CALLS; i++) expect(tracing.on).toBe(false);
  });

  it('sees a provider registered after its first answer within RECHECK_EVERY_CALLS reads, and its removal', () => {
    const tracing = new TracingSwitch();
    expect(tracing.on).toBe(false);
    const provider = new BasicTracerProvider();
    trace.setGlobalTracerProvider(provider);
    let reads = 0;
    while (!tracing.on) reads++;
    expect(reads).toBeLessThanOrEqual(RECHECK_EVERY_CALLS);
    expect(tracing.tracer.startSpan('probe').isRecording()).toBe(true); // the SDK's tracer, not a no-op one

    trace.disable();
    reads = 0;
    while (tracing.on) reads++;
    expect(reads).toBeLessThanOrEqual(RECHECK_EVERY_CALLS);
  });

  it('hands out the tracer of the provider registered now, not of an earlier one', () => {
    const tracing = new TracingSwitch();
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    tracing.recheck();
    const first = tracing.tracer;
    trace.disable();
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    tracing.recheck();
    expect(tracing.tracer).not.toBe(first);
  });
});
