import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SqliteChatDatabase } from '../../src/chat/database/sqlite-chat-database';
import request from 'supertest';
import { CHAT_DATABASE } from '../../src/chat/database/chat-database.provider';
import { bearer, ChatApp, startChatApp } from '../support/chat-app';
import { parsePrometheus } from '../support/prometheus-text';
import { RecordingLogger } from '../support/recording-logger';
import { eventually, RedisServer } from '../support/redis-server';
import { SharedChatInstances, startSharedChatInstances } from '../support/shared-chat-instances';

const ADMIN = { Authorization: 'Bearer admin-secret' };

async function scrape(app: ChatApp): Promise<Map<string, number>> {
  const response = await request(app.http)
    .get('/metrics')
    .expect(200)
    .expect('Content-Type', /^text\/plain;.*version=0\.0\.4/);
  return parsePrometheus(response.text);
}

/** Creates a session with one message and reads its messages `reads` times. */
async function chatAndRead(app: ChatApp, reads: number): Promise<string> {
  const { token } = await app.signUp();
  const session = (await request(app.http).post('/sessions').set(bearer(token)).send({ title: 'Plans' }).expect(201)).body;
  await request(app.http).post(`/sessions/${session.id}/messages`).set(bearer(token)).send({ role: 'user', content: 'hi' }).expect(201);
  for (let i = 0; i < reads; i++) await request(app.http).get(`/sessions/${session.id}/messages`).set(bearer(token)).expect(200);
  return session.id;
}

describe('GET /metrics (memory driver)', () => {
  let app: ChatApp;
  beforeAll(async () => {
    app = await startChatApp({ ADMIN_TOKEN: 'admin-secret' });
  });
  afterAll(() => app.close());

  it('times HTTP requests by route pattern and status, including the ones refused before routing', async () => {
    await chatAndRead(app, 3);
    await request(app.http).get('/no/such/route').expect(404);
    await request(app.http).post('/users').set('Content-Type', 'application/json').send('{"name":').expect(400);

    const metrics = await scrape(app);
    expect(metrics.get('http_request_duration_seconds_count{method="GET",route="/sessions/:id/messages",status_code="200"}')).toBe(3);
    expect(metrics.get('http_request_duration_seconds_count{method="POST",route="/sessions/:id/messages",status_code="201"}')).toBe(1);
    expect(metrics.get('http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"}')).toBe(1);
    expect(metrics.get('http_request_duration_seconds_count{method="POST",route="unmatched",status_code="400"}')).toBe(1);
    // One series per route pattern, never one per session id.
    expect([...metrics.keys()].some((series) => /route="\/sessions\/[0-9a-f-]{36}/.test(series))).toBe(false);
  });

  it('shows the counters of /cache/stats per tier, and Node default metrics', async () => {
    await chatAndRead(app, 2);
    const metrics = await scrape(app);
    const stats = (await request(app.http).get('/cache/stats').set(ADMIN).expect(200)).body;

    expect(stats.memory.hits).toBeGreaterThan(0);
    expect(metrics.get('chat_cache_tier_hits_total{tier="memory"}')).toBe(stats.memory.hits);
    expect(metrics.get('chat_cache_tier_misses_total{tier="memory"}')).toBe(stats.memory.misses);
    expect(metrics.get('chat_cache_tier_sets_total{tier="memory"}')).toBe(stats.memory.sets);
    expect(metrics.get('chat_cache_entries{tier="memory"}')).toBe(stats.memory.entries);
    expect(metrics.get('chat_cache_bytes{tier="memory"}')).toBe(stats.memory.bytes);
    expect(metrics.get('chat_cache_requests_total{result="hit"}')).toBe(stats.hits);
    expect(metrics.get('chat_cache_single_flight_joins_total')).toBe(stats.singleFlight.joins);
    expect(metrics.get('chat_cache_invalidated_loads_total')).toBe(stats.singleFlight.invalidatedLoads);
    // No Redis configured: no Redis or bus series at all, rather than zeros that look like a healthy Redis.
    expect([...metrics.keys()].some((series) => series.startsWith('chat_cache_redis_') || series.startsWith('chat_cache_bus_'))).toBe(
      false,
    );

    expect(metrics.has('process_cpu_user_seconds_total')).toBe(true);
    expect(metrics.has('nodejs_eventloop_lag_seconds')).toBe(true);
    expect(metrics.has('nodejs_heap_size_used_bytes')).toBe(true);
  });

  it('/cache/stats reports per tier what an operator reads', async () => {
    const stats = (await request(app.http).get('/cache/stats').set(ADMIN).expect(200)).body;
    expect(stats.memory).toEqual(
      expect.objectContaining({
        hits: expect.any(Number),
        misses: expect.any(Number),
        hitRatio: expect.any(Number),
        sets: expect.any(Number),
        evictions: expect.any(Number),
        expirations: expect.any(Number),
        entries: expect.any(Number),
        bytes: expect.any(Number),
      }),
    );
    expect(stats.singleFlight).toEqual({ joins: expect.any(Number), inFlight: 0, invalidatedLoads: expect.any(Number) });
    expect(stats.redis).toBeNull();
  });
});

describe('GET /health: the database', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chat-cache-health-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is up, with its response time, while SQLite answers', async () => {
    const app = await startChatApp({ DATABASE_PATH: join(dir, 'chat.db') });
    try {
      const body = (await request(app.http).get('/health').expect(200)).body;
      expect(body.status).toBe('ok');
      expect(body.details.database).toEqual({ status: 'up', engine: 'sqlite', responseMs: expect.any(Number) });
    } finally {
      await app.close();
    }
  });

  it('answers 503 naming the database when its connection is gone', async () => {
    const app = await startChatApp({ DATABASE_PATH: join(dir, 'chat.db') });
    try {
      app.app.get<SqliteChatDatabase>(CHAT_DATABASE).connection.close(); // the fault: SQLite no longer answers
      const body = (await request(app.http).get('/health').expect(503)).body;
      expect(body.status).toBe('error');
      expect(body.error.database).toEqual({ status: 'down', engine: 'sqlite', error: 'The database connection is not open' });
    } finally {
      await app.close();
    }
  });

  it('answers 503 when the database file was deleted under the running instance', async () => {
    const file = join(dir, 'chat.db');
    const app = await startChatApp({ DATABASE_PATH: file });
    try {
      await app.signUp('before the deletion');
      unlinkSync(file);
      const body = (await request(app.http).get('/health').expect(503)).body;
      expect(body.error.database.error).toBe(`the database file ${file} is gone`);
    } finally {
      await app.close();
    }
  });
});

describe('with Redis: latency and bus lag in /metrics', () => {
  let shared: SharedChatInstances;
  let a: ChatApp;
  let b: ChatApp;

  beforeAll(async () => {
    shared = await startSharedChatInstances(2, { ADMIN_TOKEN: 'admin-secret' });
    [a, b] = shared.instances;
  });
  afterAll(() => shared.stop());

  it('reports Redis latency by operation, and how long invalidations take to reach the other instance', async () => {
    await chatAndRead(b, 2);
    const metrics = await scrape(b);
    expect(metrics.get('chat_cache_redis_command_duration_seconds_count{operation="get",outcome="ok"}')).toBeGreaterThan(0);
    expect(metrics.get('chat_cache_redis_command_duration_seconds_count{operation="set",outcome="ok"}')).toBeGreaterThan(0);
    expect(metrics.get('chat_cache_redis_connected')).toBe(1);
    expect(metrics.get('chat_cache_redis_circuit_state{state="closed"}')).toBe(1);
    expect(metrics.get('chat_cache_bus_subscribed')).toBe(1);

    // A's writes reach B over the bus; B measures the delivery lag from the publish time in each message.
    const lagCount = async () => (await scrape(b)).get('chat_cache_bus_delivery_lag_seconds_count{reason="tags"}') ?? 0;
    const before = await lagCount();
    await chatAndRead(a, 1);
    expect(await eventually(async () => (await lagCount()) > before, 5_000, 20)).toBe(true);
    const stats = (await request(b.http).get('/cache/stats').set(ADMIN).expect(200)).body;
    expect(stats.bus.received).toBeGreaterThan(0);
    expect(stats.bus.lastMessageAgeMs).toBeGreaterThanOrEqual(0);
    expect((await scrape(b)).get('chat_cache_bus_messages_total{direction="received"}')).toBeGreaterThanOrEqual(stats.bus.received);
    // Values Redis held that were not ours to decode, and entries no tier kept for their size: counted, per tier.
    const after = await scrape(b);
    expect(after.get('chat_cache_redis_decode_errors_total')).toBe(stats.redis.decodeErrors);
    expect(after.get('chat_cache_oversized_total{tier="redis"}')).toBe(stats.redis.oversized);
    expect(after.get('chat_cache_oversized_total{tier="memory"}')).toBe(stats.memory.oversized);
    expect(after.get('chat_cache_factory_uncacheable_total')).toBe(stats.factory.uncacheable);
  });
});

describe('Redis dies and comes back: /health, /metrics and the log', () => {
  let server: RedisServer;
  let app: ChatApp;
  // Nest's Logger is process-wide: one app at a time here, so that every line is this app's.
  const logs = new RecordingLogger();

  beforeAll(async () => {
    server = await RedisServer.start();
    app = await startChatApp({ REDIS_URL: server.url, REDIS_COMMAND_TIMEOUT_MS: '100' }, logs);
  });
  afterAll(async () => {
    await app.close();
    await server.stop();
  });

  it('keeps /health at 200 saying Redis is down, shows it in /metrics, and logs one line per change', async () => {
    expect(logs.events('redis.connected')).toHaveLength(1);
    const { token } = await app.signUp('during the outage');

    await server.kill();
    expect(await eventually(() => logs.events('redis.lost').length > 0, 5_000, 10)).toBe(true);
    for (let i = 0; i < 20; i++)
      await request(app.http)
        .post('/sessions')
        .set(bearer(token))
        .send({ title: `t${i}` })
        .expect(201);

    const health = (await request(app.http).get('/health').expect(200)).body;
    expect(health.status).toBe('ok');
    expect(health.details.database.status).toBe('up');
    expect(health.error.redis).toMatchObject({ status: 'down', connected: false, servingFrom: 'memory' });
    const metrics = await scrape(app);
    expect(metrics.get('chat_cache_redis_connected')).toBe(0);
    const failed =
      (metrics.get('chat_cache_redis_errors_total{kind="error"}') ?? 0) +
      (metrics.get('chat_cache_redis_errors_total{kind="rejected"}') ?? 0);
    expect(failed).toBeGreaterThan(0);

    await server.restart();
    expect(await eventually(() => logs.events('redis.recovered').length > 0, 10_000, 20)).toBe(true);
    expect(await eventually(async () => (await request(app.http).get('/health')).body.details.redis?.status === 'up', 10_000, 50)).toBe(
      true,
    );

    // However many reconnect attempts and failed commands, the outage is one line each way.
    expect(logs.events('redis.lost')).toHaveLength(1);
    expect(logs.events('redis.recovered')).toHaveLength(1);
    expect(logs.events('redis.lost')[0]).toMatch(/^warn redis\.lost redis=redis:\/\/127\.0\.0\.1:\d+\/? reason=.+ impact=/);
    expect(logs.events('redis.recovered')[0]).toMatch(/via=(reconnect|circuit) down_ms=\d+$/);
  });
});
