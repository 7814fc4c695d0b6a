import request from 'supertest';
import { bearer, ChatApp, startChatApp } from '../support/chat-app';
import { eventually, RedisServer } from '../support/redis-server';
import { databaseTargets } from '../support/database-targets';
import { SharedChatInstances, startSharedChatInstances } from '../support/shared-chat-instances';

describe.each(databaseTargets())('Redis dies under a running app ($database)', (target) => {
  let shared: SharedChatInstances;
  let server: RedisServer;
  let app: ChatApp;

  beforeAll(async () => {
    shared = await startSharedChatInstances(1, { REDIS_COMMAND_TIMEOUT_MS: '100', ...(await target.env()) });
    ({ server } = shared);
    [app] = shared.instances;
  });

  afterAll(async () => {
    await shared.stop();
  });

  it('keeps answering, keeps every write, and reads its own writes throughout', async () => {
    const { token } = await app.signUp('grace');
    const auth = bearer(token);
    const session = (await request(app.http).post('/sessions').set(auth).send({ title: 'outage' }).expect(201)).body;
    await request(app.http).post(`/sessions/${session.id}/messages`).set(auth).send({ role: 'user', content: 'before' }).expect(201);
    expect((await request(app.http).get(`/sessions/${session.id}/messages`).set(auth).expect(200)).body.items).toHaveLength(1);

    await server.kill();

    // Every route still answers; each write is read back at once.
    const written: string[] = ['before'];
    for (let i = 0; i < 5; i++) {
      const content = `during ${i}`;
      await request(app.http).post(`/sessions/${session.id}/messages`).set(auth).send({ role: 'assistant', content }).expect(201);
      written.push(content);
      const page = await request(app.http).get(`/sessions/${session.id}/messages`).set(auth).expect(200);
      expect(page.body.items.map((m: { content: string }) => m.content)).toEqual(written);
    }
    await request(app.http).patch(`/sessions/${session.id}`).set(auth).send({ title: 'renamed while down' }).expect(200);
    expect((await request(app.http).get(`/sessions/${session.id}`).set(auth).expect(200)).body).toMatchObject({
      title: 'renamed while down',
      messageCount: 6,
    });
    expect((await request(app.http).get('/sessions').set(auth).expect(200)).body.items[0].title).toBe('renamed while down');
    expect((await request(app.http).get('/search?q=during').set(auth).expect(200)).body.items).toHaveLength(5);
    const health = await request(app.http).get('/health').expect(200);
    expect(health.body.details.cache.redis).toBe('down');

    // Redis comes back: the app uses it again and every write of the outage is there.
    await server.restart();
    expect(await eventually(async () => (await request(app.http).get('/health')).body.details.cache.redis === 'up', 10_000, 50)).toBe(true);
    const page = await request(app.http).get(`/sessions/${session.id}/messages`).set(auth).expect(200);
    expect(page.body.items.map((m: { content: string }) => m.content)).toEqual(written);

    // A fresh instance on the same database (cold caches) reads the same: the writes are in SQLite.
    const other = await startChatApp(shared.env);
    try {
      const fromOther = await request(other.http).get(`/sessions/${session.id}/messages`).set(auth).expect(200);
      expect(fromOther.body.items.map((m: { content: string }) => m.content)).toEqual(written);
    } finally {
      await other.close();
    }
  });
});

describe.each(databaseTargets())('Redis dies under two instances ($database)', (target) => {
  let shared: SharedChatInstances;
  let server: RedisServer;
  let a: ChatApp;
  let b: ChatApp;

  beforeAll(async () => {
    shared = await startSharedChatInstances(2, { REDIS_COMMAND_TIMEOUT_MS: '100', ...(await target.env()) });
    ({ server } = shared);
    [a, b] = shared.instances;
  });

  afterAll(async () => {
    await shared.stop();
  });

  it('once Redis is back, the other instance shows what was written during the outage', async () => {
    const { token } = await a.signUp('linus');
    const auth = bearer(token);
    const session = (await request(a.http).post('/sessions').set(auth).send({ title: 'kept' }).expect(201)).body;
    const onB = (path: string) => request(b.http).get(path).set(auth).expect(200);
    expect((await onB(`/sessions/${session.id}`)).body.title).toBe('kept');
    expect((await onB(`/sessions/${session.id}`)).headers['x-cache']).toBe('HIT');

    await server.kill();
    // Without the bus, B cannot hear of this write until Redis is back.
    await request(a.http).patch(`/sessions/${session.id}`).set(auth).send({ title: 'renamed during the outage' }).expect(200);
    await request(a.http).post(`/sessions/${session.id}/messages`).set(auth).send({ role: 'user', content: 'written blind' }).expect(201);
    expect((await request(a.http).get(`/sessions/${session.id}`).set(auth).expect(200)).body.title).toBe('renamed during the outage');

    await server.restart();
    // B's bus resubscribes and flushes its memory tier (messages may have been lost meanwhile).
    const seen = await eventually(
      async () => (await onB(`/sessions/${session.id}`)).body.title === 'renamed during the outage',
      10_000,
      50,
    );
    expect(seen).toBe(true);
    expect((await onB(`/sessions/${session.id}/messages`)).body.items.map((m: { content: string }) => m.content)).toEqual([
      'written blind',
    ]);
    expect((await onB('/search?q=blind')).body.items).toHaveLength(1);
  });
});

describe.each(databaseTargets())('Redis freezes under a running app (commands hang, connections stay open) ($database)', (target) => {
  let shared: SharedChatInstances;

  beforeAll(async () => {
    shared = await startSharedChatInstances(1, { REDIS_COMMAND_TIMEOUT_MS: '100', ...(await target.env()) });
  });

  afterAll(async () => {
    await shared.stop();
  });

  it('answers every request and reads its own writes; after the thaw every instance shows the writes', async () => {
    const [app] = shared.instances;
    const { token } = await app.signUp('frozen');
    const auth = bearer(token);
    const session = (await request(app.http).post('/sessions').set(auth).send({ title: 'before the freeze' }).expect(201)).body;
    await request(app.http).get(`/sessions/${session.id}`).set(auth).expect(200);

    await shared.server.freeze();
    try {
      for (let i = 0; i < 3; i++) {
        await request(app.http)
          .patch(`/sessions/${session.id}`)
          .set(auth)
          .send({ title: `frozen ${i}` })
          .expect(200);
        expect((await request(app.http).get(`/sessions/${session.id}`).set(auth).expect(200)).body.title).toBe(`frozen ${i}`);
        await request(app.http)
          .post(`/sessions/${session.id}/messages`)
          .set(auth)
          .send({ role: 'user', content: `cold ${i}` })
          .expect(201);
        expect((await request(app.http).get(`/sessions/${session.id}/messages`).set(auth).expect(200)).body.items).toHaveLength(i + 1);
      }
    } finally {
      shared.server.thaw();
    }

    // Redis still holds entries from before the freeze: the invalidations it missed are replayed by
    // this instance once its circuit closes, and then a new instance reading Redis sees the writes.
    const fresh = await startChatApp(shared.env);
    try {
      expect(
        await eventually(
          async () => (await request(fresh.http).get(`/sessions/${session.id}`).set(auth)).body.title === 'frozen 2',
          10_000,
          50,
        ),
      ).toBe(true);
      expect((await request(app.http).get(`/sessions/${session.id}`).set(auth).expect(200)).body.title).toBe('frozen 2');
      expect((await request(fresh.http).get(`/sessions/${session.id}/messages`).set(auth).expect(200)).body.items).toHaveLength(3);
    } finally {
      await fresh.close();
    }
  });
});
