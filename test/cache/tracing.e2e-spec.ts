import { context, ProxyTracer, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR, GET_OR_SET_SPAN, keyHash, REDIS_FAILURE_ABSORBED_EVENT } from '../../src/cache/telemetry/span-attributes';
import { tracing } from '../../src/cache/telemetry/tracing-switch';
import { type CacheContext, startCacheContext } from '../support/cache-context';
import { eventually, RedisServer } from '../support/redis-server';

/**
 * The spans a host app sees once it registers an SDK (here sdk-trace-base with an in-memory
 * exporter and the async-hooks context manager, as NodeSDK registers one), on a real redis-server;
 * and that nothing is started when it registers none.
 */
describe('tracing (OpenTelemetry spans)', () => {
  let server: RedisServer;
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager();
  const contexts: CacheContext[] = [];
  let prefixes = 0;

  const register = () => {
    trace.setGlobalTracerProvider(provider);
    tracing.recheck();
  };
  const unregister = () => {
    trace.disable();
    tracing.recheck();
  };
  const cacheOn = async (options: { keyPrefix?: string; url?: string; commandTimeoutMs?: number } = {}) => {
    const ctx = await startCacheContext({
      keyPrefix: options.keyPrefix ?? `tracing${prefixes++}:`,
      redis: { url: options.url ?? server.url, ...(options.commandTimeoutMs ? { commandTimeoutMs: options.commandTimeoutMs } : {}) },
    });
    contexts.push(ctx);
    return ctx;
  };
  const named = (name: string) => exporter.getFinishedSpans().filter((span) => span.name === name);
  const childrenOf = (parent: ReadableSpan) =>
    exporter.getFinishedSpans().filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId);
  const parentTracer = () => trace.getTracer('host-app');

  beforeAll(async () => {
    server = await RedisServer.start();
    context.setGlobalContextManager(contextManager.enable());
  });
  beforeEach(() => {
    register();
    exporter.reset();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((ctx) => ctx.close()));
  });
  afterAll(async () => {
    unregister();
    context.disable();
    await provider.shutdown();
    await server?.stop();
  });

  it('a miss is a getOrSet span answered by the factory, a child of the active span, with the Redis calls as its children', async () => {
    const { cache } = await cacheOn();
    const key = 'user:42:profile';
    const value = await parentTracer().startActiveSpan('GET /profile', async (request) => {
      try {
        return await cache.getOrSet(key, async () => ({ name: 'Ada' }));
      } finally {
        request.end();
      }
    });
    expect(value).toEqual({ name: 'Ada' });
    // The L2 write of a loaded value lands in the background, after getOrSet returned.
    expect(await eventually(() => named('chat-cache redis set').length === 1)).toBe(true);

    const [request] = named('GET /profile');
    const [getOrSet] = named(GET_OR_SET_SPAN);
    expect(getOrSet.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(getOrSet.attributes).toMatchObject({ [ATTR.tier]: 'factory', [ATTR.outcome]: 'miss', [ATTR.keyHash]: keyHash(key) });
    expect(getOrSet.attributes[ATTR.factoryDurationMs]).toEqual(expect.any(Number));
    expect(getOrSet.status.code).toBe(SpanStatusCode.UNSET);
    // Keys carry user ids: only their hash reaches the trace store. (Not a search for the digits "42":
    // a duration such as 0.2914 holds them too.)
    const values = exporter.getFinishedSpans().flatMap((span) => Object.values(span.attributes).map(String));
    expect(values.filter((value) => value.includes('user:42'))).toEqual([]);

    const redisCalls = childrenOf(getOrSet);
    expect(redisCalls.map((span) => span.name).sort()).toEqual(['chat-cache redis get', 'chat-cache redis set']);
    for (const span of redisCalls) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes).toMatchObject({ 'db.system.name': 'redis', [ATTR.redisOutcome]: 'ok' });
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
    }
  });

  it('an L1 hit is a getOrSet span answered by memory, with no Redis call', async () => {
    const { cache } = await cacheOn();
    await cache.getOrSet('room:7', async () => 'general');
    expect(await eventually(() => named('chat-cache redis set').length === 1)).toBe(true); // the background L2 write
    exporter.reset();

    expect(await cache.getOrSet('room:7', async () => 'never called')).toBe('general');
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name)).toEqual([GET_OR_SET_SPAN]);
    expect(spans[0].attributes).toMatchObject({ [ATTR.tier]: 'memory', [ATTR.outcome]: 'hit' });
  });

  it('a value another instance stored is answered by redis', async () => {
    const keyPrefix = `tracing-shared${prefixes++}:`;
    const writer = await cacheOn({ keyPrefix });
    const reader = await cacheOn({ keyPrefix });
    await writer.cache.set('msg:1', 'hello');
    exporter.reset();

    expect(await reader.cache.getOrSet('msg:1', async () => 'not this')).toBe('hello');
    const [getOrSet] = named(GET_OR_SET_SPAN);
    expect(getOrSet.attributes).toMatchObject({ [ATTR.tier]: 'redis', [ATTR.outcome]: 'hit' });
    expect(getOrSet.attributes[ATTR.factoryDurationMs]).toBeUndefined();
    expect(childrenOf(getOrSet).map((span) => span.name)).toEqual(['chat-cache redis get']);
  });

  it('a caller that joined a load in progress says so, with the tier of the load it joined', async () => {
    const { cache } = await cacheOn();
    let calls = 0;
    const factory = async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return 'loaded once';
    };
    await Promise.all([cache.getOrSet('cold', factory), cache.getOrSet('cold', factory)]);
    expect(calls).toBe(1);
    const spans = named(GET_OR_SET_SPAN);
    expect(spans.map((span) => span.attributes[ATTR.tier])).toEqual(['factory', 'factory']);
    expect(spans.map((span) => span.attributes[ATTR.joined] ?? false).sort()).toEqual([false, true]);
  });

  it('a failing factory is an error of the getOrSet span, with the exception recorded', async () => {
    const { cache } = await cacheOn();
    await expect(
      cache.getOrSet('broken', async () => {
        throw new Error('database down');
      }),
    ).rejects.toThrow('database down');
    const [getOrSet] = named(GET_OR_SET_SPAN);
    expect(getOrSet.status).toEqual({ code: SpanStatusCode.ERROR, message: 'database down' });
    expect(getOrSet.events.map((event) => [event.name, event.attributes?.['exception.message']])).toEqual([['exception', 'database down']]);
  });

  it('a Redis failure the cache absorbs is an error of the Redis span and an event of the getOrSet span, not its error', async () => {
    const frozen = await RedisServer.start();
    try {
      const { cache } = await cacheOn({ url: frozen.url, commandTimeoutMs: 100 });
      await frozen.freeze();
      expect(await cache.getOrSet('while-frozen', async () => 'from the factory')).toBe('from the factory');
      const [getOrSet] = named(GET_OR_SET_SPAN);
      expect(getOrSet.status.code).toBe(SpanStatusCode.UNSET);
      expect(getOrSet.attributes).toMatchObject({ [ATTR.tier]: 'factory', [ATTR.outcome]: 'miss' });
      expect(getOrSet.events.map((event) => [event.name, event.attributes])).toContainEqual([
        REDIS_FAILURE_ABSORBED_EVENT,
        { [ATTR.redisOperation]: 'get', [ATTR.redisOutcome]: 'timeout' },
      ]);
      const [redisGet] = named('chat-cache redis get');
      expect(redisGet.parentSpanContext?.spanId).toBe(getOrSet.spanContext().spanId);
      expect(redisGet.status.code).toBe(SpanStatusCode.ERROR);
      expect(redisGet.attributes[ATTR.redisOutcome]).toBe('timeout');
    } finally {
      frozen.thaw();
      await Promise.all(contexts.splice(0).map((ctx) => ctx.close()));
      await frozen.stop();
    }
  });

  it('with no tracer provider registered, no span is started, on a miss or on a hit', async () => {
    unregister();
    const startSpan = jest.spyOn(ProxyTracer.prototype, 'startSpan');
    const startActiveSpan = jest.spyOn(ProxyTracer.prototype, 'startActiveSpan');
    try {
      const { cache, redis } = await cacheOn();
      await cache.getOrSet('quiet', async () => 1);
      expect(await cache.getOrSet('quiet', async () => 2)).toBe(1);
      // The background L2 write, untraced too.
      expect(await eventually(async () => (await redis!.get('quiet')) === 1)).toBe(true);
      expect(startSpan).not.toHaveBeenCalled();
      expect(startActiveSpan).not.toHaveBeenCalled();
      expect(exporter.getFinishedSpans()).toEqual([]);

      // The provider the host registers later is seen (at the latest within RECHECK_EVERY_CALLS calls).
      register();
      await cache.getOrSet('quiet', async () => 3);
      expect(named(GET_OR_SET_SPAN).map((span) => span.attributes[ATTR.tier])).toEqual(['memory']);
    } finally {
      startSpan.mockRestore();
      startActiveSpan.mockRestore();
    }
  });
});
