import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request, { Response } from 'supertest';
import { bearer, ChatApp, startChatApp } from '../support/chat-app';
import { chatModes } from '../support/chat-modes';
import { DatabaseFault, diskReadError } from '../support/database-fault';
import { Call, expectUnavailable } from '../support/expect-unavailable';
import { parsePrometheus } from '../support/prometheus-text';
import { RedisServer } from '../support/redis-server';

/**
 * Grace (CACHE_GRACE_MS, the chat's default 10 minutes) under a failing database: a GET that was
 * cached and whose TTL has passed answers its last copy, 200 `X-Cache: STALE`, instead of a 503.
 * The TTL is short so that it passes within the test; the grace is the chat's default.
 */
const TTL_MS = 400;
/** Longer than the TTL, so that every entry read before it is past its TTL (not a bound on speed). */
const PAST_TTL_MS = TTL_MS + 300;
const TEST_TIMEOUT_MS = 30_000;

const pastTtl = () => new Promise((resolve) => setTimeout(resolve, PAST_TTL_MS));
const contents = (response: Response) => response.body.items.map((m: { content: string }) => m.content);

/** What a client sees of a cached GET: status, X-Cache and body. */
async function seen(call: Call): Promise<{ status: number; cache: unknown; body: unknown }> {
  const response = await call();
  return { status: response.status, cache: response.headers['x-cache'], body: response.body };
}

function tempDatabasePath(): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'chat-cache-grace-'));
  return { path: join(dir, 'chat.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

describe.each(chatModes())('grace while the database fails ($name)', (mode) => {
  let database: { path: string; remove(): void };
  let fault: DatabaseFault;
  let app: ChatApp;

  beforeAll(async () => {
    await mode.start();
    database = tempDatabasePath();
    fault = new DatabaseFault();
    const env = { ...mode.env(), DATABASE_PATH: database.path, CACHE_TTL_MS: String(TTL_MS) };
    app = await startChatApp(env, false, (builder) => fault.install(builder));
  });

  afterAll(async () => {
    await app?.close();
    await mode.stop();
    database?.remove();
  });

  afterEach(() => fault.heal());

  const staleAnswers = async () =>
    parsePrometheus((await request(app.http).get('/metrics').expect(200)).text).get('chat_cache_stale_total') ?? 0;

  it(
    'cached GETs past their TTL answer 200 STALE with their last answer; uncached ones and writes 503 within 5 s; nothing lost after',
    async () => {
      const { token } = await app.signUp('graced');
      const auth = bearer(token);
      const cached = (await request(app.http).post('/sessions').set(auth).send({ title: 'cached' }).expect(201)).body;
      await request(app.http)
        .post(`/sessions/${cached.id}/messages`)
        .set(auth)
        .send({ role: 'user', content: 'acknowledged 1' })
        .expect(201);
      const uncached = (await request(app.http).post('/sessions').set(auth).send({ title: 'uncached' }).expect(201)).body;
      const reads: Call[] = [
        () => request(app.http).get(`/sessions/${cached.id}`).set(auth),
        () => request(app.http).get(`/sessions/${cached.id}/messages`).set(auth),
        () => request(app.http).get('/sessions').set(auth),
        () => request(app.http).get('/users/me').set(auth),
      ];
      const answers = [];
      for (const read of reads) answers.push((await seen(read)).body);
      await pastTtl();

      const staleBefore = await staleAnswers();
      fault.fail(diskReadError());
      for (const [i, read] of reads.entries()) expect(await seen(read)).toEqual({ status: 200, cache: 'STALE', body: answers[i] });
      const refused: Call[] = [
        () => request(app.http).get(`/sessions/${uncached.id}`).set(auth),
        () => request(app.http).get(`/sessions/${cached.id}/messages?limit=7`).set(auth),
        () => request(app.http).post(`/sessions/${cached.id}/messages`).set(auth).send({ role: 'user', content: 'refused' }),
        () => request(app.http).patch(`/sessions/${cached.id}`).set(auth).send({ title: 'refused' }),
      ];
      for (const call of refused) await expectUnavailable(call);
      expect((await request(app.http).get('/health/ready')).status).toBe(503);
      // One stale answer per graced GET, counted where an operator looks.
      expect((await staleAnswers()) - staleBefore).toBe(reads.length);

      fault.heal();
      await request(app.http).get('/health/ready').expect(200);
      // A write drops the graced copies it makes stale (invalidation beats grace): the next reads are fresh.
      await request(app.http)
        .post(`/sessions/${cached.id}/messages`)
        .set(auth)
        .send({ role: 'user', content: 'acknowledged 2' })
        .expect(201);
      await request(app.http).patch(`/sessions/${cached.id}`).set(auth).send({ title: 'renamed' }).expect(200);
      const page = await request(app.http).get(`/sessions/${cached.id}/messages`).set(auth).expect(200);
      expect(page.headers['x-cache']).toBe('MISS');
      expect(contents(page)).toEqual(['acknowledged 1', 'acknowledged 2']);
      expect((await request(app.http).get(`/sessions/${cached.id}`).set(auth).expect(200)).body).toMatchObject({
        title: 'renamed',
        messageCount: 2,
      });
      const titles = (await request(app.http).get('/sessions').set(auth).expect(200)).body.items.map((s: { title: string }) => s.title);
      expect(titles).toEqual(['renamed', 'uncached']);
      expect((await request(app.http).get(`/sessions/${uncached.id}`).set(auth).expect(200)).body.title).toBe('uncached');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'CACHE_GRACE_MS=0 turns grace off: the same GET past its TTL answers 503',
    async () => {
      const noGraceFault = new DatabaseFault();
      const env = { ...mode.env(), DATABASE_PATH: database.path, CACHE_TTL_MS: String(TTL_MS), CACHE_GRACE_MS: '0' };
      const noGrace = await startChatApp(env, false, (builder) => noGraceFault.install(builder));
      try {
        const { token } = await noGrace.signUp('no grace');
        const auth = bearer(token);
        const session = (await request(noGrace.http).post('/sessions').set(auth).send({ title: 'gone at its TTL' }).expect(201)).body;
        await request(noGrace.http).get(`/sessions/${session.id}`).set(auth).expect(200);
        await pastTtl();
        noGraceFault.fail(diskReadError());
        await expectUnavailable(() => request(noGrace.http).get(`/sessions/${session.id}`).set(auth));
      } finally {
        noGraceFault.heal();
        await noGrace.close();
      }
    },
    TEST_TIMEOUT_MS,
  );
});

describe('grace across instances (hybrid, a real Redis)', () => {
  let server: RedisServer;
  let database: { path: string; remove(): void };
  let a: ChatApp;
  let b: ChatApp;
  const faultOfB = new DatabaseFault();

  beforeAll(async () => {
    server = await RedisServer.start();
    database = tempDatabasePath();
    const env = { REDIS_URL: server.url, DATABASE_PATH: database.path, CACHE_TTL_MS: String(TTL_MS) };
    a = await startChatApp(env);
    b = await startChatApp(env, false, (builder) => faultOfB.install(builder));
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await server?.stop();
    database?.remove();
  });

  it(
    'instance A cached a GET, its TTL passed; instance B, which never read it, answers it 200 STALE from Redis while its database fails',
    async () => {
      const { token } = await a.signUp('across');
      const auth = bearer(token);
      const session = (await request(a.http).post('/sessions').set(auth).send({ title: 'seen by A' }).expect(201)).body;
      const neverRead = (await request(a.http).post('/sessions').set(auth).send({ title: 'never read' }).expect(201)).body;
      const fromA = await seen(() => request(a.http).get(`/sessions/${session.id}`).set(auth));
      expect(fromA).toMatchObject({ status: 200, cache: 'MISS' });
      await pastTtl();

      faultOfB.fail(diskReadError());
      try {
        expect(await seen(() => request(b.http).get(`/sessions/${session.id}`).set(auth))).toEqual({
          status: 200,
          cache: 'STALE',
          body: fromA.body,
        });
        await expectUnavailable(() => request(b.http).get(`/sessions/${neverRead.id}`).set(auth));
      } finally {
        faultOfB.heal();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
