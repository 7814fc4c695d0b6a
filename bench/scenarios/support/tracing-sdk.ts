/**
 * A host app's OpenTelemetry setup for the bench, switched on and off between contenders: what a Nest
 * app with an SDK has (a BasicTracerProvider with the default BatchSpanProcessor, and the async-hooks
 * context manager NodeSDK registers), exporting to nowhere, so that the figures are the cache's and
 * the SDK's work, not an exporter's.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { tracing } from '../../../src/cache/telemetry/tracing-switch';

const discardingExporter: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }), // ExportResultCode.SUCCESS
  shutdown: () => Promise.resolve(),
};

export class TracingSdk {
  private readonly provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(discardingExporter)] });
  private readonly contextManager = new AsyncLocalStorageContextManager();

  /** Registers the provider and the context manager, and makes the cache see them at once. */
  register(): void {
    context.setGlobalContextManager(this.contextManager.enable());
    trace.setGlobalTracerProvider(this.provider);
    tracing.recheck();
  }

  /** Back to no SDK at all (the API's no-ops), seen by the cache at once. */
  unregister(): void {
    trace.disable();
    context.disable();
    tracing.recheck();
  }

  async shutdown(): Promise<void> {
    this.unregister();
    await this.provider.shutdown();
  }
}
