import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { ChatRepository } from '../../src/chat/chat.repository';
import { bearer, ChatApp, startChatApp } from '../support/chat-app';
import { chatModes } from '../support/chat-modes';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.each(chatModes())('the HTTP API ($name cache, $database)', (mode) => {
  let chat: ChatApp;
  let ada: { id: string; token: string };
  let bob: { id: string; token: string };

  beforeAll(async () => {
    await mode.start();
    chat = await startChatApp(mode.env());
    ada = await chat.signUp('Ada');
    bob = await chat.signUp('Bob');
  });

  afterAll(async () => {
    await chat.close();
    await mode.stop();
  });

  const as = (user: { token: string }) => ({
    get: (path: string) => request(chat.http).get(path).set(bearer(user.token)),
    post: (path: string, body: object) => request(chat.http).post(path).set(bearer(user.token)).send(body),
    patch: (path: string, body: object) => request(chat.http).patch(path).set(bearer(user.token)).send(body),
    delete: (path: string) => request(chat.http).delete(path).set(bearer(user.token)),
  });

  async function newSession(user: { token: string }, title = 'a session') {
    return (await as(user).post('/sessions', { title }).expect(201)).body;
  }

  describe('users', () => {
    it('POST /users answers the user and a token that opens GET /users/me', async () => {
      const created = await request(chat.http).post('/users').send({ name: 'Carol' }).expect(201);
      expect(created.body).toEqual({ id: expect.stringMatching(UUID), name: 'Carol', token: expect.any(String) });
      const me = await as(created.body).get('/users/me').expect(200);
      expect(me.body).toEqual({ id: created.body.id, name: 'Carol' });
    });

    it('a route without a token, or with a forged one, is a 401', async () => {
      await request(chat.http).get('/users/me').expect(401);
      await request(chat.http)
        .get('/sessions')
        .set(bearer(`${ada.token}x`))
        .expect(401);
      await request(chat.http).get('/sessions').set('Authorization', ada.token).expect(401);
    });

    it('a token signed with another secret is a 401', async () => {
      const other = await startChatApp({ ...mode.env(), JWT_SECRET: 'another-secret' });
      try {
        const stranger = await other.signUp('Eve');
        await as(stranger).get('/sessions').expect(401);
      } finally {
        await other.close();
      }
    });
  });

  describe('sessions', () => {
    it('create, get, rename, delete', async () => {
      const session = await newSession(ada, 'Plans');
      expect(session).toEqual({
        id: expect.stringMatching(UUID),
        userId: ada.id,
        title: 'Plans',
        createdAt: expect.stringMatching(ISO),
        updatedAt: session.createdAt,
        messageCount: 0,
        lastMessageAt: null,
      });
      expect((await as(ada).get(`/sessions/${session.id}`).expect(200)).body).toEqual(session);

      const renamed = await as(ada).patch(`/sessions/${session.id}`, { title: 'Better plans' }).expect(200);
      expect(renamed.body).toMatchObject({ id: session.id, title: 'Better plans' });
      expect(renamed.body.updatedAt >= session.updatedAt).toBe(true);
      expect((await as(ada).get(`/sessions/${session.id}`).expect(200)).body.title).toBe('Better plans');

      const deleted = await as(ada).delete(`/sessions/${session.id}`).expect(204);
      expect(deleted.text).toBe('');
      await as(ada).get(`/sessions/${session.id}`).expect(404);
      await as(ada).delete(`/sessions/${session.id}`).expect(404);
      await as(ada).patch(`/sessions/${session.id}`, { title: 'x' }).expect(404);
    });

    it('a session of another user is a 404 on every route, and is left untouched', async () => {
      const session = await newSession(ada, 'private');
      await as(ada).post(`/sessions/${session.id}/messages`, { role: 'user', content: 'secret words' }).expect(201);
      const notFound = await as(bob).get(`/sessions/${session.id}`).expect(404);
      expect(notFound.body).toEqual({ statusCode: 404, message: `session ${session.id} not found`, error: 'Not Found' });
      await as(bob).get(`/sessions/${session.id}/messages`).expect(404);
      await as(bob).patch(`/sessions/${session.id}`, { title: 'mine now' }).expect(404);
      await as(bob).post(`/sessions/${session.id}/messages`, { role: 'user', content: 'hi' }).expect(404);
      await as(bob).delete(`/sessions/${session.id}`).expect(404);
      await as(bob).get(`/search?q=secret&sessionId=${session.id}`).expect(404);
      expect((await as(bob).get('/search?q=secret').expect(200)).body.items).toEqual([]);
      expect((await as(bob).get('/sessions').expect(200)).body.items.map((s: { id: string }) => s.id)).not.toContain(session.id);
      expect((await as(ada).get(`/sessions/${session.id}`).expect(200)).body).toMatchObject({ title: 'private', messageCount: 1 });
    });

    it('GET /sessions lists newest activity first, limited, and reads its own writes', async () => {
      const user = await chat.signUp();
      const first = await newSession(user, 'first');
      const second = await newSession(user, 'second');
      const ids = async (query = '') => (await as(user).get(`/sessions${query}`).expect(200)).body.items.map((s: { id: string }) => s.id);
      expect(await ids()).toEqual([second.id, first.id]);

      await as(user).post(`/sessions/${first.id}/messages`, { role: 'user', content: 'bump' }).expect(201);
      expect(await ids()).toEqual([first.id, second.id]);
      expect(await ids('?limit=1')).toEqual([first.id]);

      await as(user).patch(`/sessions/${second.id}`, { title: 'second, renamed' }).expect(200);
      expect(await ids()).toEqual([second.id, first.id]);
      const third = await newSession(user, 'third');
      expect(await ids()).toEqual([third.id, second.id, first.id]);
      await as(user).delete(`/sessions/${second.id}`).expect(204);
      expect(await ids()).toEqual([third.id, first.id]);
    });

    it('GET /sessions defaults to 20 items', async () => {
      const user = await chat.signUp();
      for (let i = 0; i < 21; i++) await newSession(user, `s${i}`);
      const list = await as(user).get('/sessions').expect(200);
      expect(list.body.items).toHaveLength(20);
      expect(list.body.items[0].title).toBe('s20');
    });
  });

  describe('messages', () => {
    it('a posted message is in the page, the count and lastMessageAt at once', async () => {
      const session = await newSession(ada);
      const message = await as(ada).post(`/sessions/${session.id}/messages`, { role: 'assistant', content: 'Hello!' }).expect(201);
      expect(message.body).toEqual({
        id: expect.stringMatching(UUID),
        sessionId: session.id,
        role: 'assistant',
        content: 'Hello!',
        createdAt: expect.stringMatching(ISO),
      });
      const page = await as(ada).get(`/sessions/${session.id}/messages`).expect(200);
      expect(page.body).toEqual({ items: [message.body], nextCursor: null });
      expect((await as(ada).get(`/sessions/${session.id}`).expect(200)).body).toMatchObject({
        messageCount: 1,
        lastMessageAt: message.body.createdAt,
      });
    });

    it('pages go back in time with the cursor, each oldest first', async () => {
      const session = await newSession(ada);
      const sent: string[] = [];
      for (let i = 0; i < 7; i++) {
        const { body } = await as(ada)
          .post(`/sessions/${session.id}/messages`, { role: 'user', content: `m${i}` })
          .expect(201);
        sent.push(body.id);
      }
      const page = async (query: string) => (await as(ada).get(`/sessions/${session.id}/messages${query}`).expect(200)).body;
      const newest = await page('?limit=3');
      expect(newest.items.map((m: { id: string }) => m.id)).toEqual(sent.slice(4));
      expect(newest.nextCursor).toBe(sent[4]);
      const middle = await page(`?limit=3&before=${newest.nextCursor}`);
      expect(middle.items.map((m: { id: string }) => m.id)).toEqual(sent.slice(1, 4));
      const oldest = await page(`?limit=3&before=${middle.nextCursor}`);
      expect(oldest.items.map((m: { id: string }) => m.id)).toEqual(sent.slice(0, 1));
      expect(oldest.nextCursor).toBeNull();
      expect((await page('?limit=7')).nextCursor).toBeNull();
      expect((await page('')).items).toHaveLength(7);

      // A new message moves the newest page; the older pages stay as they were.
      const { body: eighth } = await as(ada).post(`/sessions/${session.id}/messages`, { role: 'user', content: 'm7' }).expect(201);
      expect((await page('?limit=3')).items.map((m: { id: string }) => m.id)).toEqual([...sent.slice(5), eighth.id]);
      expect((await page(`?limit=3&before=${newest.nextCursor}`)).items.map((m: { id: string }) => m.id)).toEqual(sent.slice(1, 4));
    });

    it('a cursor that is not a message of the session is a 400 naming before', async () => {
      const session = await newSession(ada);
      const other = await newSession(ada);
      const { body } = await as(ada).post(`/sessions/${other.id}/messages`, { role: 'user', content: 'elsewhere' }).expect(201);
      const response = await as(ada).get(`/sessions/${session.id}/messages?before=${body.id}`).expect(400);
      expect(response.body.message).toMatch(/^before /);
    });

    it('deleting a session deletes its messages from pages and search', async () => {
      const session = await newSession(ada);
      await as(ada).post(`/sessions/${session.id}/messages`, { role: 'user', content: 'ephemeral zebra' }).expect(201);
      expect((await as(ada).get('/search?q=zebra').expect(200)).body.items).toHaveLength(1);
      await as(ada).delete(`/sessions/${session.id}`).expect(204);
      expect((await as(ada).get('/search?q=zebra').expect(200)).body.items).toEqual([]);
      await as(ada).get(`/sessions/${session.id}/messages`).expect(404);
    });
  });

  describe('search', () => {
    it('finds the caller’s messages by words, filtered by session and role, with a snippet', async () => {
      const user = await chat.signUp();
      const one = await newSession(user, 'one');
      const two = await newSession(user, 'two');
      const post = async (sessionId: string, role: string, content: string) =>
        (await as(user).post(`/sessions/${sessionId}/messages`, { role, content }).expect(201)).body;
      const a = await post(one.id, 'user', 'The quick brown fox jumps');
      const b = await post(two.id, 'assistant', 'A brown dog sleeps');
      await post(two.id, 'user', 'Nothing to see here');

      const search = async (query: string) => (await as(user).get(`/search?${query}`).expect(200)).body.items;
      const hits = await search('q=brown');
      expect(hits.map((h: { messageId: string }) => h.messageId).sort()).toEqual([a.id, b.id].sort());
      expect(hits.find((h: { messageId: string }) => h.messageId === a.id)).toEqual({
        sessionId: one.id,
        messageId: a.id,
        role: 'user',
        snippet: expect.stringContaining('**brown**'),
        createdAt: a.createdAt,
      });
      expect((await search('q=BROWN%20fox')).map((h: { messageId: string }) => h.messageId)).toEqual([a.id]);
      expect((await search(`q=brown&sessionId=${two.id}`)).map((h: { messageId: string }) => h.messageId)).toEqual([b.id]);
      expect((await search('q=brown&role=assistant')).map((h: { messageId: string }) => h.messageId)).toEqual([b.id]);
      expect(await search('q=brown&limit=1')).toHaveLength(1);
      expect(await search('q=elephant')).toEqual([]);

      // A new message is found at once, though the search above is cached.
      const c = await post(one.id, 'system', 'brown bears');
      expect((await search('q=brown')).map((h: { messageId: string }) => h.messageId)).toContain(c.id);
    });

    it('FTS5 syntax in q is searched as text, never an error', async () => {
      const user = await chat.signUp();
      const session = await newSession(user);
      await as(user).post(`/sessions/${session.id}/messages`, { role: 'user', content: 'alpha OR beta "quoted" near(x)' }).expect(201);
      for (const q of [
        '"',
        'alpha OR',
        'NEAR(alpha beta)',
        'content:alpha',
        'alpha*',
        '^alpha',
        '(',
        'AND',
        '-alpha',
        '*',
        "'; DROP TABLE messages; --",
      ]) {
        const response = await as(user).get(`/search?q=${encodeURIComponent(q)}`);
        expect({ q, status: response.status }).toEqual({ q, status: 200 });
      }
      expect(
        (
          await as(user)
            .get(`/search?q=${encodeURIComponent('"alpha" OR')}`)
            .expect(200)
        ).body.items,
      ).toHaveLength(1);
      expect(
        (
          await as(user)
            .get(`/search?q=${encodeURIComponent('*')}`)
            .expect(200)
        ).body.items,
      ).toEqual([]);
    });
  });

  describe('HTTP caching', () => {
    it('a cached GET answers MISS then HIT, with an ETag that gives 304', async () => {
      const session = await newSession(ada);
      const path = `/sessions/${session.id}/messages`;
      const first = await as(ada).get(path).expect(200);
      expect(first.headers['x-cache']).toBe('MISS');
      expect(first.headers.etag).toMatch(/^"[^"]+"$/);
      const second = await as(ada).get(path).expect(200);
      expect(second.headers['x-cache']).toBe('HIT');
      expect(second.headers.etag).toBe(first.headers.etag);
      expect(second.body).toEqual(first.body);

      const notModified = await as(ada).get(path).set('If-None-Match', first.headers.etag).expect(304);
      expect(notModified.text).toBe('');

      await as(ada).post(path, { role: 'user', content: 'changes the page' }).expect(201);
      const changed = await as(ada).get(path).set('If-None-Match', first.headers.etag).expect(200);
      expect(changed.headers['x-cache']).toBe('MISS');
      expect(changed.headers.etag).not.toBe(first.headers.etag);
      expect(changed.body.items).toHaveLength(1);
    });

    it("a browser's conditional GET gets its 304 (fetch adds Cache-Control: no-cache), and private caching headers", async () => {
      const session = await newSession(ada);
      const path = `/sessions/${session.id}/messages`;
      await chat.app.listen(0, '127.0.0.1');
      const url = `http://127.0.0.1:${(chat.app.getHttpServer().address() as AddressInfo).port}${path}`;
      const first = await fetch(url, { headers: bearer(ada.token) });
      expect(first.status).toBe(200);
      expect(first.headers.get('cache-control')).toBe('private, no-cache');
      expect(first.headers.get('vary')).toMatch(/\bAuthorization\b/);
      const etag = first.headers.get('etag')!;
      await first.text();

      const notModified = await fetch(url, { headers: { ...bearer(ada.token), 'If-None-Match': etag } });
      expect(notModified.status).toBe(304);
      expect(notModified.headers.get('cache-control')).toBe('private, no-cache');

      await as(ada).post(path, { role: 'user', content: 'changes the page' }).expect(201);
      const changed = await fetch(url, { headers: { ...bearer(ada.token), 'If-None-Match': etag } });
      expect(changed.status).toBe(200);
      expect(((await changed.json()) as { items: unknown[] }).items).toHaveLength(1);
    });

    it('a query is cached by its validated value: ?limit=020 and no limit at all are ?limit=20', async () => {
      const user = await chat.signUp();
      await newSession(user);
      const first = await as(user).get('/sessions?limit=20').expect(200);
      expect(first.headers['x-cache']).toBe('MISS');
      for (const path of ['/sessions?limit=020', '/sessions?limit=0020', '/sessions', '/sessions?limit=%2B20']) {
        const response = await as(user).get(path).expect(200);
        expect({ path, cache: response.headers['x-cache'] }).toEqual({ path, cache: 'HIT' });
        expect(response.text).toBe(first.text);
      }
      expect((await as(user).get('/sessions?limit=2').expect(200)).headers['x-cache']).toBe('MISS');
    });

    it('every read is served by the service cache too: the database is read once per key', async () => {
      const user = await chat.signUp();
      const session = await newSession(user);
      await as(user).post(`/sessions/${session.id}/messages`, { role: 'user', content: 'cached words' }).expect(201);
      const repository = chat.app.get(ChatRepository);
      const reads = ['findSession', 'listMessages', 'listSessionIds', 'findSessions', 'search'].map((method) =>
        jest.spyOn(repository, method as 'findSession'),
      );
      try {
        // no-cache reloads the HTTP entry, so each handler runs twice; the service's cache answers the second.
        for (let i = 0; i < 2; i++) {
          for (const path of [`/sessions/${session.id}`, `/sessions/${session.id}/messages`, '/sessions', '/search?q=cached']) {
            await as(user).get(path).set('Cache-Control', 'no-cache').expect(200);
          }
        }
        // The list's sessions come from the entry GET /sessions/:id filled: no query of sessions by id.
        expect(reads.map((read) => read.mock.calls.length)).toEqual([1, 1, 1, 0, 1]);
      } finally {
        reads.forEach((read) => read.mockRestore());
      }
    });

    it('a write invalidates exactly what it changed: a rename keeps the cached pages of messages', async () => {
      const session = await newSession(ada, 'before');
      const pagePath = `/sessions/${session.id}/messages`;
      await as(ada).get(pagePath).expect(200);
      await as(ada).get(`/sessions/${session.id}`).expect(200);
      await as(ada).patch(`/sessions/${session.id}`, { title: 'after' }).expect(200);
      expect((await as(ada).get(pagePath).expect(200)).headers['x-cache']).toBe('HIT');
      const renamed = await as(ada).get(`/sessions/${session.id}`).expect(200);
      expect(renamed.headers['x-cache']).toBe('MISS');
      expect(renamed.body.title).toBe('after');
    });

    it('two users asking the same URL never share an entry', async () => {
      await newSession(ada, 'ada’s');
      await newSession(bob, 'bob’s');
      const adas = await as(ada).get('/sessions?limit=100').expect(200);
      const bobs = await as(bob).get('/sessions?limit=100').expect(200);
      expect(bobs.headers['x-cache']).toBe('MISS');
      expect(adas.body.items.every((s: { userId: string }) => s.userId === ada.id)).toBe(true);
      expect(bobs.body.items.every((s: { userId: string }) => s.userId === bob.id)).toBe(true);
      expect(bobs.headers.etag).not.toBe(adas.headers.etag);
    });

    it('Cache-Control: no-cache bypasses the cache', async () => {
      const response = await as(ada).get('/users/me').set('Cache-Control', 'no-cache').expect(200);
      expect(response.headers['x-cache']).toBe('BYPASS');
      expect(response.body).toEqual({ id: ada.id, name: 'Ada' });
    });
  });

  describe('admin routes', () => {
    it('answer 404 when ADMIN_TOKEN is unset, even to a user', async () => {
      await request(chat.http).get('/cache/stats').expect(404);
      await as(ada).get('/cache/stats').expect(404);
      await as(ada)
        .post('/cache/invalidate', { tags: ['x'] })
        .expect(404);
    });

    it('with ADMIN_TOKEN: stats and invalidation for the admin only', async () => {
      const admin = await startChatApp({ ...mode.env(), ADMIN_TOKEN: 'let-me-in', CACHE_KEY_PREFIX: 'admin-test:' });
      try {
        const user = await admin.signUp();
        const session = (await request(admin.http).post('/sessions').set(bearer(user.token)).send({ title: 't' }).expect(201)).body;
        const read = () => request(admin.http).get(`/sessions/${session.id}`).set(bearer(user.token)).expect(200);
        await read();
        expect((await read()).headers['x-cache']).toBe('HIT');

        await request(admin.http).get('/cache/stats').expect(401);
        await request(admin.http).get('/cache/stats').set(bearer(user.token)).expect(401);
        const stats = await request(admin.http).get('/cache/stats').set(bearer('let-me-in')).expect(200);
        expect(stats.body).toMatchObject({ driver: mode.name, hits: expect.any(Number), invalidationListener: { failures: 0 } });
        expect(stats.body.hits).toBeGreaterThan(0);

        const invalidated = await request(admin.http)
          .post('/cache/invalidate')
          .set(bearer('let-me-in'))
          .send({ tags: [`session:${session.id}`], pattern: 'nothing-matches-this:*' })
          .expect(200);
        expect(invalidated.body).toEqual({ invalidated: { keys: 0, tags: 1, pattern: 0 } });
        expect((await read()).headers['x-cache']).toBe('MISS');

        // A user's scope tag drops every response cached for that user, and nobody else's.
        const other = await admin.signUp();
        const readAs = (token: string, path: string) => request(admin.http).get(path).set(bearer(token)).expect(200);
        const paths = ['/users/me', '/sessions', `/sessions/${session.id}`, `/sessions/${session.id}/messages`, '/search?q=x'];
        for (const path of paths) await readAs(user.token, path);
        await readAs(other.token, '/sessions');
        await request(admin.http)
          .post('/cache/invalidate')
          .set(bearer('let-me-in'))
          .send({ tags: [`user:${user.id}`] })
          .expect(200);
        for (const path of paths)
          expect({ path, cache: (await readAs(user.token, path)).headers['x-cache'] }).toEqual({ path, cache: 'MISS' });
        expect((await readAs(other.token, '/sessions')).headers['x-cache']).toBe('HIT');

        await request(admin.http).post('/cache/invalidate').set(bearer('let-me-in')).send({}).expect(400);
        await request(admin.http)
          .post('/cache/invalidate')
          .set(bearer('let-me-in'))
          .send({ keys: ['__cc:bus'] })
          .expect(400);

        // A pattern past the bound is refused by name; one within it, however hostile, answers at once.
        const tooLong = await request(admin.http)
          .post('/cache/invalidate')
          .set(bearer('let-me-in'))
          .send({ pattern: '*?'.repeat(513) })
          .expect(400);
        expect(tooLong.body.message).toEqual(['pattern must be shorter than or equal to 1024 characters']);
        const started = performance.now();
        const hostile = await request(admin.http)
          .post('/cache/invalidate')
          .set(bearer('let-me-in'))
          .send({ pattern: '*?'.repeat(511) + '*!' })
          .expect(200);
        expect(hostile.body).toEqual({ invalidated: { keys: 0, tags: 0, pattern: 0 } });
        expect(performance.now() - started).toBeLessThan(1_000); // generous: the RegExp matcher never finished
      } finally {
        await admin.close();
      }
    });
  });
});
