import request from 'supertest';
import { bearer, ChatApp, startChatApp } from '../support/chat-app';
import { postgresForThisFile } from '../support/database-targets';

/** The API's promise with the database down: an answer within 5 s, never a hang. */
const ANSWER_BOUND_MS = 5_000;

const postgres = postgresForThisFile();

/**
 * PostgreSQL stopped (pg_ctl stop -m fast: every connection terminated) under a running app, then
 * started again. The exact statuses during the outage (503 for what needs the database, 200 for a
 * GET the cache can answer) come from the database-unavailable filter and the guard's behaviour
 * with the database down, built beside this; here: a bounded answer, readiness down, and recovery
 * without a restart with nothing acknowledged lost.
 */
describe('PostgreSQL stops under a running app, then comes back', () => {
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
    return { status: response.status, body: response.body, ms: Date.now() - startedAt };
  };

  it('answers every request within 5 s while it is down, readiness says 503, and writes work again once it is back', async () => {
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
      // 503 (and 200 for the cached GET) once the database-unavailable filter and guard are in.
      expect({ name, failed: answer.status >= 500 }).toEqual({ name, failed: true });
    }
    expect(during.ready.status).toBe(503);
    expect(during.ready.body.details.database).toMatchObject({ status: 'down', engine: 'postgres' });

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
  }, 60_000);
});
