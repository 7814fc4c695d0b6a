import request from 'supertest';
import { bearer, ChatApp, startChatApp } from '../support/chat-app';
import { postgresForThisFile } from '../support/database-targets';
import { parsePrometheus } from '../support/prometheus-text';

/** The API's promise with the database down: an answer within 5 s, never a hang. */
const ANSWER_BOUND_MS = 5_000;

const UNAVAILABLE = { statusCode: 503, message: 'the database is unavailable; try again shortly', error: 'Service Unavailable' };

const postgres = postgresForThisFile();

/**
 * PostgreSQL stopped (pg_ctl stop -m fast: every connection terminated) under a running app, then
 * started again (DESIGN.md, "With the database down"): a GET the cache can answer answers 200 (the
 * guard lets a valid token through when the user lookup fails with pg's errors), anything that
 * needs the database answers the database's 503 with Retry-After, each within 5 s, readiness is
 * down; after the restart writes work without restarting the app, and nothing acknowledged is lost.
 */
describe('PostgreSQL stops under a running app, then comes back (postgres)', () => {
  let chat: ChatApp;
  let ada: { token: string };
  let sessionId: string;
  const acknowledged: string[] = [];

  beforeAll(async () => {
    chat = await startChatApp({ DATABASE_URL: await postgres.server().createDatabase(), DATABASE_STATEMENT_TIMEOUT_MS: '1000' });
    ada = await chat.signUp('ada');
    sessionId = (await request(chat.http).post('/sessions').set(bearer(ada.token)).send({ title: 'kept' }).expect(201)).body.id;
    for (let i = 0; i < 3; i++) {
      const message = await request(chat.http)
        .post(`/sessions/${sessionId}/messages`)
        .set(bearer(ada.token))
        .send({ role: 'user', content: `before ${i}` })
        .expect(201);
      acknowledged.push(message.body.id);
    }
    await request(chat.http).get(`/sessions/${sessionId}/messages`).set(bearer(ada.token)).expect(200);
  }, 30_000);

  afterAll(async () => {
    await postgres.server().resume();
    await chat.close();
  });

  const timed = async (send: () => request.Test) => {
    const startedAt = Date.now();
    const response = await send();
    const { status, body, headers } = response;
    return { status, body, retryAfter: headers['retry-after'], xCache: headers['x-cache'], ms: Date.now() - startedAt };
  };

  /** chat_database_unavailable_total by its cause label. */
  async function unavailableCounts(): Promise<Map<string, number>> {
    const metrics = parsePrometheus((await request(chat.http).get('/metrics').expect(200)).text);
    return new Map([...metrics].filter(([name]) => name.startsWith('chat_database_unavailable_total{')));
  }

  it('while it is down: a cached GET 200, what needs the database 503 within 5 s, not ready; once back, writes work and nothing acknowledged is lost', async () => {
    await postgres.server().halt();

    const auth = bearer(ada.token);
    const during = {
      cachedGet: await timed(() => request(chat.http).get(`/sessions/${sessionId}/messages`).set(auth)),
      uncachedGet: await timed(() => request(chat.http).get('/sessions?limit=7').set(auth)),
      write: await timed(() =>
        request(chat.http).post(`/sessions/${sessionId}/messages`).set(auth).send({ role: 'user', content: 'during the outage' }),
      ),
      signUp: await timed(() => request(chat.http).post('/users').send({ name: 'eve' })),
      ready: await timed(() => request(chat.http).get('/health/ready')),
    };
    for (const [name, answer] of Object.entries(during)) {
      expect({ name, withinBound: answer.ms < ANSWER_BOUND_MS }).toEqual({ name, withinBound: true });
    }
    // The cache answers what it has; the guard could not ask the database about the token's user.
    expect({ status: during.cachedGet.status, xCache: during.cachedGet.xCache }).toEqual({ status: 200, xCache: 'HIT' });
    expect(during.cachedGet.body.items.map((message: { id: string }) => message.id)).toEqual(acknowledged);
    for (const name of ['uncachedGet', 'write', 'signUp'] as const) {
      const { status, body, retryAfter } = during[name];
      expect({ name, status, body, retryAfter }).toEqual({ name, status: 503, body: UNAVAILABLE, retryAfter: '5' });
    }
    expect(during.ready.status).toBe(503);
    expect(during.ready.body.details.database).toMatchObject({ status: 'down', engine: 'postgres' });
    // Counted under pg's causes, a bounded set (socket codes, SQLSTATEs, PG_...), one per refused request.
    const counts = await unavailableCounts();
    for (const name of counts.keys())
      expect(name).toMatch(/^chat_database_unavailable_total\{cause="(E[A-Z_]+|[0-9A-Z]{5}|PG_[A-Z_]+)"\}$/);
    expect([...counts.values()].reduce((sum, count) => sum + count, 0)).toBe(3);

    await postgres.server().resume();

    // The first write after the restart works: the pool dropped its dead connections.
    const after = await request(chat.http)
      .post(`/sessions/${sessionId}/messages`)
      .set(auth)
      .send({ role: 'user', content: 'after' })
      .expect(201);
    acknowledged.push(after.body.id);
    await request(chat.http).get('/health/ready').expect(200);
    const page = await request(chat.http).get(`/sessions/${sessionId}/messages`).set(auth).expect(200);
    expect(page.body.items.map((message: { id: string }) => message.id)).toEqual(acknowledged);
    expect((await request(chat.http).get(`/sessions/${sessionId}`).set(auth).expect(200)).body.messageCount).toBe(acknowledged.length);
    if (process.env.PG_OUTAGE_TIMINGS)
      process.stderr.write(
        `pg outage timings ${JSON.stringify(Object.fromEntries(Object.entries(during).map(([k, v]) => [k, [v.status, v.ms]])))}\n`,
      );
  }, 60_000);
});
