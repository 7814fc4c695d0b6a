import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request, { Response } from 'supertest';
import { bearer, ChatApp, startChatApp } from '../support/chat-app';
import { chatModes } from '../support/chat-modes';
import { DatabaseFault, diskReadError } from '../support/database-fault';
import { ANSWER_WITHIN_MS, Call, expectUnavailable } from '../support/expect-unavailable';
import { parsePrometheus } from '../support/prometheus-text';
import { RecordingLogger } from '../support/recording-logger';

/** Six writes against a held lock wait out the busy timeout (1 s) each. */
const TEST_TIMEOUT_MS = 30_000;

const contents = (response: Response) => response.body.items.map((m: { content: string }) => m.content);

// SQLite's own faults (another connection's lock, a failing disk under the driver); PostgreSQL's outage is postgres-outage.e2e-spec.
describe.each(chatModes(['sqlite']))('the database failing under the running chat app ($name cache, $database)', (mode) => {
  let dir: string;
  let env: Record<string, string>;
  let logger: RecordingLogger;
  let fault: DatabaseFault;
  let app: ChatApp;

  beforeAll(async () => {
    await mode.start();
    dir = mkdtempSync(join(tmpdir(), 'chat-cache-db-outage-'));
    env = { ...mode.env(), DATABASE_PATH: join(dir, 'chat.db') };
    logger = new RecordingLogger();
    fault = new DatabaseFault();
    app = await startChatApp(env, logger, (builder) => fault.install(builder));
  });

  afterAll(async () => {
    await app?.close();
    await mode.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => fault.heal());

  async function unavailableCount(cause: string): Promise<number> {
    const metrics = parsePrometheus((await request(app.http).get('/metrics').expect(200)).text);
    return metrics.get(`chat_database_unavailable_total{cause="${cause}"}`) ?? 0;
  }

  /** Log lines of the filter's bursts for `cause`, and any line that carries a stack trace. */
  const burstLines = (cause: string) => logger.lines.filter((line) => line.includes(`the database is unavailable (${cause}`));
  const stackLines = () => logger.lines.filter((line) => /\n\s+at /.test(line));

  it(
    'many writes at once against a held write lock: each answers 503 within 5 s, and a cached read in between too',
    async () => {
      const { token } = await app.signUp('many at once');
      const auth = bearer(token);
      const session = (await request(app.http).post('/sessions').set(auth).send({ title: 'busy' }).expect(201)).body;
      await request(app.http).get(`/sessions/${session.id}`).set(auth).expect(200);
      // SQLite waits for a lock on the event loop: without a back-off, these answered after 1, 2, ... 8 s.
      const locker = new Database(env.DATABASE_PATH);
      try {
        locker.exec('BEGIN EXCLUSIVE');
        const writes = Array.from({ length: 8 }, (_, i) =>
          expectUnavailable(() =>
            request(app.http)
              .post(`/sessions/${session.id}/messages`)
              .set(auth)
              .send({ role: 'user', content: `refused ${i}` }),
          ),
        );
        const startedAt = performance.now();
        const read = await request(app.http).get(`/sessions/${session.id}`).set(auth).expect(200);
        expect(performance.now() - startedAt).toBeLessThan(ANSWER_WITHIN_MS);
        expect(read.headers['x-cache']).toBe('HIT');
        await Promise.all(writes);
      } finally {
        locker.exec('ROLLBACK');
        locker.close();
      }
      // Released: the next write succeeds at once (a free lock needs no wait), back-off or not.
      await request(app.http)
        .post(`/sessions/${session.id}/messages`)
        .set(auth)
        .send({ role: 'user', content: 'acknowledged' })
        .expect(201);
      expect(contents(await request(app.http).get(`/sessions/${session.id}/messages`).set(auth).expect(200))).toEqual(['acknowledged']);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'another connection holds the write lock: every write answers 503 within 5 s and changes nothing; reads go on; all works after release',
    async () => {
      const { id: userId, token } = await app.signUp('locked out');
      const auth = bearer(token);
      const session = (await request(app.http).post('/sessions').set(auth).send({ title: 'before' }).expect(201)).body;
      await request(app.http)
        .post(`/sessions/${session.id}/messages`)
        .set(auth)
        .send({ role: 'user', content: 'acknowledged 1' })
        .expect(201);
      // Created, never read: not in any cache.
      const unread = (await request(app.http).post('/sessions').set(auth).send({ title: 'unread' }).expect(201)).body;
      const countBefore = await unavailableCount('SQLITE_BUSY');

      const locker = new Database(env.DATABASE_PATH);
      try {
        locker.exec('BEGIN EXCLUSIVE');
        const writes: Call[] = [
          () => request(app.http).post(`/sessions/${session.id}/messages`).set(auth).send({ role: 'user', content: 'refused' }),
          () => request(app.http).patch(`/sessions/${session.id}`).set(auth).send({ title: 'refused' }),
          () => request(app.http).delete(`/sessions/${unread.id}`).set(auth),
          () => request(app.http).post('/sessions').set(auth).send({ title: 'refused' }),
          () => request(app.http).post('/users').send({ name: 'refused' }),
          () => request(app.http).delete('/users/me').set(auth),
        ];
        for (const write of writes) await expectUnavailable(write);

        // WAL lets readers past a writer's lock: an uncached read still answers from the database,
        // so the instance stays ready (the other instances on the file see the same lock).
        const fromDatabase = await request(app.http).get(`/sessions/${unread.id}`).set(auth).expect(200);
        expect(fromDatabase.headers['x-cache']).toBe('MISS');
        expect((await request(app.http).get('/health/ready')).status).toBe(200);
      } finally {
        locker.exec('ROLLBACK');
        locker.close();
      }

      // One line for the burst, no stack trace, every refusal counted.
      expect(burstLines('SQLITE_BUSY')).toHaveLength(1);
      expect(stackLines()).toEqual([]);
      expect((await unavailableCount('SQLITE_BUSY')) - countBefore).toBe(6);

      // Released: writes work again without a restart, and only the acknowledged ones are there.
      await request(app.http)
        .post(`/sessions/${session.id}/messages`)
        .set(auth)
        .send({ role: 'user', content: 'acknowledged 2' })
        .expect(201);
      expect(contents(await request(app.http).get(`/sessions/${session.id}/messages`).set(auth).expect(200))).toEqual([
        'acknowledged 1',
        'acknowledged 2',
      ]);
      expect((await request(app.http).get(`/sessions/${session.id}`).set(auth).expect(200)).body).toMatchObject({
        title: 'before',
        messageCount: 2,
      });
      expect((await request(app.http).get(`/sessions/${unread.id}`).set(auth).expect(200)).body.title).toBe('unread');
      expect((await request(app.http).get('/users/me').set(auth).expect(200)).body.id).toBe(userId);
      const inDatabase = new Database(env.DATABASE_PATH, { readonly: true });
      try {
        expect(inDatabase.prepare("SELECT count(*) FROM users WHERE name = 'refused'").pluck().get()).toBe(0);
        expect(inDatabase.prepare("SELECT count(*) FROM sessions WHERE title = 'refused'").pluck().get()).toBe(0);
        expect(inDatabase.prepare("SELECT count(*) FROM messages WHERE content = 'refused'").pluck().get()).toBe(0);
      } finally {
        inDatabase.close();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'the database cannot answer at all (disk errors): uncached reads and writes 503 within 5 s, cached reads 200, not ready; nothing lost after',
    async () => {
      const { token } = await app.signUp('disk failing');
      const auth = bearer(token);
      const cached = (await request(app.http).post('/sessions').set(auth).send({ title: 'cached' }).expect(201)).body;
      await request(app.http)
        .post(`/sessions/${cached.id}/messages`)
        .set(auth)
        .send({ role: 'user', content: 'acknowledged 1' })
        .expect(201);
      const uncached = (await request(app.http).post('/sessions').set(auth).send({ title: 'uncached' }).expect(201)).body;
      // Read once: in the cache (L1, and Redis in hybrid) for their TTL.
      await request(app.http).get(`/sessions/${cached.id}`).set(auth).expect(200);
      await request(app.http).get(`/sessions/${cached.id}/messages`).set(auth).expect(200);
      const countBefore = await unavailableCount('SQLITE_IOERR');

      fault.fail(diskReadError());
      // A cached read answers from the cache: the guard lets the valid token through although the
      // user registry cannot answer, and the HTTP cache has the page.
      const session = await request(app.http).get(`/sessions/${cached.id}`).set(auth).expect(200);
      expect(session.headers['x-cache']).toBe('HIT');
      const page = await request(app.http).get(`/sessions/${cached.id}/messages`).set(auth).expect(200);
      expect(page.headers['x-cache']).toBe('HIT');
      expect(contents(page)).toEqual(['acknowledged 1']);
      // Past their TTL these answer 200 `X-Cache: STALE` from grace: database-outage-grace.e2e-spec.ts.

      const refused: Call[] = [
        () => request(app.http).get(`/sessions/${uncached.id}`).set(auth),
        () => request(app.http).get(`/sessions/${uncached.id}/messages`).set(auth),
        () => request(app.http).get('/search?q=acknowledged').set(auth),
        () => request(app.http).post(`/sessions/${cached.id}/messages`).set(auth).send({ role: 'user', content: 'refused' }),
        () => request(app.http).post('/sessions').set(auth).send({ title: 'refused' }),
        () => request(app.http).post('/users').send({ name: 'refused' }),
      ];
      for (const call of refused) await expectUnavailable(call);
      expect((await request(app.http).get('/health/ready')).status).toBe(503);

      fault.heal();
      expect(burstLines('SQLITE_IOERR')).toHaveLength(1);
      expect(stackLines()).toEqual([]);
      expect((await unavailableCount('SQLITE_IOERR')) - countBefore).toBe(refused.length);

      // Healed: ready again, writes work without a restart, and only the acknowledged ones are there.
      await request(app.http).get('/health/ready').expect(200);
      await request(app.http)
        .post(`/sessions/${cached.id}/messages`)
        .set(auth)
        .send({ role: 'user', content: 'acknowledged 2' })
        .expect(201);
      expect(contents(await request(app.http).get(`/sessions/${cached.id}/messages`).set(auth).expect(200))).toEqual([
        'acknowledged 1',
        'acknowledged 2',
      ]);
      expect((await request(app.http).get(`/sessions/${uncached.id}`).set(auth).expect(200)).body.title).toBe('uncached');
      const titles = (await request(app.http).get('/sessions').set(auth).expect(200)).body.items.map((s: { title: string }) => s.title);
      expect(titles.sort()).toEqual(['cached', 'uncached']);
    },
    TEST_TIMEOUT_MS,
  );
});
