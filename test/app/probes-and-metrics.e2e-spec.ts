import { randomUUID } from 'node:crypto';
import type { SqliteChatDatabase } from '../../src/chat/database/sqlite-chat-database';
import request from 'supertest';
import { CacheService } from '../../src/cache';
import type { CacheCounters } from '../../src/cache/pipeline/cache-counters';
import { CHAT_DATABASE } from '../../src/chat/database/chat-database.provider';
import { bearer, ChatApp, startChatApp } from '../support/chat-app';
import { parsePrometheus } from '../support/prometheus-text';
import { eventually, RedisServer } from '../support/redis-server';

describe('GET /health/live and /health/ready', () => {
  let app: ChatApp;
  afterEach(() => app.close());

  it('are both 200 while the database answers, and say only what they check', async () => {
    app = await startChatApp();
    expect((await request(app.http).get('/health/live').expect(200)).body).toEqual({ status: 'ok' });
    const ready = (await request(app.http).get('/health/ready').expect(200)).body;
    expect(ready.status).toBe('ok');
    expect(Object.keys(ready.details)).toEqual(['database']);
  });

  it('ready is 503 when the database does not answer; live stays 200 (a restart would not help)', async () => {
    app = await startChatApp();
    app.app.get<SqliteChatDatabase>(CHAT_DATABASE).connection.close();
    const ready = (await request(app.http).get('/health/ready').expect(503)).body;
    expect(ready.error.database).toMatchObject({ status: 'down', error: 'The database connection is not open' });
    await request(app.http).get('/health/live').expect(200);
  });

  describe('with Redis', () => {
    let server: RedisServer;
    beforeAll(async () => {
      server = await RedisServer.start();
    });
    afterAll(() => server.stop());

    it('ready stays 200 while Redis is down: the instance serves from memory', async () => {
      app = await startChatApp({ REDIS_URL: server.url, REDIS_COMMAND_TIMEOUT_MS: '100' });
      await server.kill();
      expect(await eventually(async () => (await request(app.http).get('/health')).body.details.redis?.status === 'down', 5_000, 20)).toBe(
        true,
      );
      expect((await request(app.http).get('/health/ready').expect(200)).body.status).toBe('ok');
      await server.restart();
    });
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  let app: ChatApp;
  beforeAll(async () => {
    app = await startChatApp({ METRICS_TOKEN: 'scrape-secret' });
  });
  afterAll(() => app.close());

  it('answers 401 without the token or with another one, 200 with it', async () => {
    const refused = await request(app.http).get('/metrics').expect(401);
    expect(refused.body.message).toBe('GET /metrics needs Authorization: Bearer <METRICS_TOKEN>');
    await request(app.http).get('/metrics').set(bearer('scrape-secre')).expect(401);
    await request(app.http).get('/metrics').set(bearer('scrape-secret-and-more')).expect(401);
    await request(app.http).get('/metrics').set('Authorization', 'Basic c2NyYXBlLXNlY3JldA==').expect(401);
    const scraped = await request(app.http).get('/metrics').set(bearer('scrape-secret')).expect(200);
    expect(scraped.text).toContain('chat_cache_requests_total');
  });

  it('leaves the other routes alone', async () => {
    await request(app.http).get('/health/live').expect(200);
  });
});

describe('/metrics counts', () => {
  let app: ChatApp;
  beforeAll(async () => {
    app = await startChatApp();
  });
  afterAll(() => app.close());

  const scrape = async () => parsePrometheus((await request(app.http).get('/metrics').expect(200)).text);

  it('a 404 for a missing session is not a factory error; a database that fails is', async () => {
    const { token } = await app.signUp();
    for (let i = 0; i < 3; i++) await request(app.http).get(`/sessions/${randomUUID()}`).set(bearer(token)).expect(404);
    const afterNotFound = await scrape();
    expect(afterNotFound.get('chat_cache_factory_calls_total')).toBeGreaterThanOrEqual(3);
    expect(afterNotFound.get('chat_cache_factory_errors_total')).toBe(0);

    // The sessions table fails while the users table (the guard's lookup) still answers.
    app.app.get<SqliteChatDatabase>(CHAT_DATABASE).connection.exec('ALTER TABLE sessions RENAME TO sessions_gone');
    await request(app.http).get(`/sessions/${randomUUID()}`).set(bearer(token)).expect(500);
    expect((await scrape()).get('chat_cache_factory_errors_total')).toBeGreaterThan(0);
  });

  it('counts stale answers and factory timeouts from the cache events (series at 0 before any)', async () => {
    const before = await scrape();
    expect([before.get('chat_cache_stale_total'), before.get('chat_cache_factory_timeouts_total')]).toEqual([0, 0]);
    // The load step emits these (grace, timeouts); here the cache's own emitter stands in for it.
    const events = (app.app.get(CacheService) as unknown as { counters: CacheCounters }).counters.events;
    events.emit('stale', { key: 'k', tier: 'redis' });
    events.emit('stale', { key: 'k', tier: 'memory' });
    events.emit('timeout', { key: 'k' });
    const after = await scrape();
    expect([after.get('chat_cache_stale_total'), after.get('chat_cache_factory_timeouts_total')]).toEqual([2, 1]);
  });

  it('has no lifetime hit-ratio gauge, only the counters a windowed ratio is computed from', async () => {
    const metrics = await scrape();
    expect([...metrics.keys()].some((series) => series.startsWith('chat_cache_hit_ratio'))).toBe(false);
    expect(metrics.has('chat_cache_requests_total{result="hit"}')).toBe(true);
    expect(metrics.has('chat_cache_requests_total{result="miss"}')).toBe(true);
  });
});
