import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { CacheService } from '../../src/cache';
import { ChatCacheManager as Keys } from '../../src/chat/chat-cache.manager';
import { SessionService } from '../../src/chat/session.service';
import { bearer, ChatApp, startChatApp } from '../support/chat-app';
import { chatDatabaseRows } from '../support/chat-database-rows';
import { chatModes } from '../support/chat-modes';
import { databaseTargets } from '../support/database-targets';
import { RedisServer } from '../support/redis-server';
import { SharedChatInstances, startSharedChatInstances } from '../support/shared-chat-instances';

/** How long the other instance may take to drop its cached copies (the bus delivers in ms). */
const BUS_BOUND_MS = 1_000;

const SOME_ID = '00000000-0000-4000-8000-000000000000';

/** Every route a user's token opens, with a body where the route takes one. */
function everyUserRoute(sessionId: string): [method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: object][] {
  return [
    ['get', '/users/me'],
    ['delete', '/users/me'],
    ['post', '/sessions', { title: 'after deletion' }],
    ['get', '/sessions'],
    ['get', `/sessions/${sessionId}`],
    ['patch', `/sessions/${sessionId}`, { title: 'after deletion' }],
    ['delete', `/sessions/${sessionId}`],
    ['post', `/sessions/${sessionId}/messages`, { role: 'user', content: 'after deletion' }],
    ['get', `/sessions/${sessionId}/messages`],
    ['get', '/search?q=zebra'],
  ];
}

/** The status of each route with `token`, as `"<METHOD> <path> <status>"` lines. */
async function statusesOf(http: ChatApp['http'], token: string, sessionId: string): Promise<string[]> {
  const lines: string[] = [];
  for (const [method, path, body] of everyUserRoute(sessionId)) {
    const pending = request(http)[method](path).set(bearer(token));
    const response = await (body ? pending.send(body) : pending);
    lines.push(`${method.toUpperCase()} ${path} ${response.status}`);
  }
  return lines;
}

const all401 = (sessionId: string) => everyUserRoute(sessionId).map(([method, path]) => `${method.toUpperCase()} ${path} 401`);

async function waitFor(condition: () => Promise<boolean>, boundMs: number): Promise<boolean> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.each(databaseTargets())('DELETE /users/me, two instances sharing one $database database and one Redis', (target) => {
  let shared: SharedChatInstances;
  let a: ChatApp;
  let b: ChatApp;
  let ada: { id: string; token: string };
  let bob: { id: string; token: string };
  let sessionIds: string[];

  beforeAll(async () => {
    shared = await startSharedChatInstances(2, await target.env());
    [a, b] = shared.instances;
    ada = await a.signUp('ada');
    bob = await a.signUp('bob');
    const sessionWithMessage = async (token: string, title: string, content: string) => {
      const session = (await request(a.http).post('/sessions').set(bearer(token)).send({ title }).expect(201)).body;
      await request(a.http).post(`/sessions/${session.id}/messages`).set(bearer(token)).send({ role: 'user', content }).expect(201);
      return session.id as string;
    };
    sessionIds = [
      await sessionWithMessage(ada.token, 'first', 'zebra in first'),
      await sessionWithMessage(ada.token, 'second', 'zebra in second'),
    ];
    await sessionWithMessage(bob.token, 'bob', 'zebra of bob');
  });

  afterAll(async () => {
    await shared.stop();
  });

  it('answers 204, then the token answers 401 on every route of both instances, and nothing of the user is left', async () => {
    // Both instances hold the user's profile, sessions, pages and search in their cache.
    const cachedPaths = ['/users/me', '/sessions', `/sessions/${sessionIds[0]}`, `/sessions/${sessionIds[0]}/messages`, '/search?q=zebra'];
    for (const instance of [a, b]) {
      for (const path of cachedPaths) {
        await request(instance.http).get(path).set(bearer(ada.token)).expect(200);
        expect((await request(instance.http).get(path).set(bearer(ada.token)).expect(200)).headers['x-cache']).toBe('HIT');
      }
    }

    const deleted = await request(a.http).delete('/users/me').set(bearer(ada.token)).expect(204);
    expect(deleted.text).toBe('');

    expect(await statusesOf(a.http, ada.token, sessionIds[0])).toEqual(all401(sessionIds[0]));
    expect(await statusesOf(b.http, ada.token, sessionIds[0])).toEqual(all401(sessionIds[0]));

    // The rows and the search index hold nothing of hers; Bob's data is untouched.
    const rows = chatDatabaseRows(a);
    expect(await rows.users(ada.id)).toBe(0);
    expect(await rows.sessionsOf(ada.id)).toBe(0);
    expect(await rows.messagesIn(sessionIds)).toBe(0);
    expect(await rows.searchEntries('zebra')).toBe(1);
    const bobsSearch = await request(b.http).get('/search?q=zebra').set(bearer(bob.token)).expect(200);
    expect(bobsSearch.body.items.map((hit: { snippet: string }) => hit.snippet)).toEqual(['**zebra** of bob']);

    // Neither instance's cache answers anything of hers any more.
    const herKeys = [
      Keys.profileKey(ada.id),
      Keys.sessionIdsKey(ada.id, 20),
      ...sessionIds.flatMap((id) => [Keys.sessionKey(id), Keys.messagesKey(id, 50, undefined)]),
    ];
    for (const instance of [a, b]) {
      const cache = instance.app.get(CacheService);
      const gone = async () => (await Promise.all(herKeys.map((key) => cache.get(key)))).every((value) => value === undefined);
      expect(await waitFor(gone, BUS_BOUND_MS)).toBe(true);
    }
  });
});

describe.each(chatModes())('a user whose row is gone ($name cache, $database)', (mode) => {
  let chat: ChatApp;

  beforeAll(async () => {
    await mode.start();
    chat = await startChatApp(mode.env());
  });

  afterAll(async () => {
    await chat.close();
    await mode.stop();
  });

  it('DELETE /users/me answers 204, then the token answers 401 on every route', async () => {
    const grace = await chat.signUp('grace');
    const session = (await request(chat.http).post('/sessions').set(bearer(grace.token)).send({ title: 't' }).expect(201)).body;
    const message = { role: 'user', content: 'zebra' };
    await request(chat.http).post(`/sessions/${session.id}/messages`).set(bearer(grace.token)).send(message).expect(201);
    await request(chat.http).get('/search?q=zebra').set(bearer(grace.token)).expect(200);

    await request(chat.http).delete('/users/me').set(bearer(grace.token)).expect(204);

    expect(await statusesOf(chat.http, grace.token, session.id)).toEqual(all401(session.id));
    expect(await chatDatabaseRows(chat).searchEntries('zebra')).toBe(0);
  });

  it('gets a 401 for every route, writes included, though its profile is cached', async () => {
    const carol = await chat.signUp('carol');
    const session = (await request(chat.http).post('/sessions').set(bearer(carol.token)).send({ title: 't' }).expect(201)).body;
    await request(chat.http).get('/users/me').set(bearer(carol.token)).expect(200);

    // Deleted in the database behind the application's back (an operator, another tool).
    await chatDatabaseRows(chat).deleteUserBehindTheAppsBack(carol.id);

    expect(await statusesOf(chat.http, carol.token, session.id)).toEqual(all401(session.id));
  });

  it('gets a 401, not a 500, when the row goes between the guard and the write', async () => {
    const sessions = chat.app.get(SessionService);
    const dave = await chat.signUp('dave');
    const session = await sessions.createSession(dave.id, 't');
    await chatDatabaseRows(chat).deleteUserBehindTheAppsBack(dave.id);

    await expect(sessions.createSession(dave.id, 't')).rejects.toMatchObject({ status: 401 });
    await expect(sessions.renameSession(dave.id, session.id, 'u')).rejects.toMatchObject({ status: 401 });
    await expect(sessions.addMessage(dave.id, session.id, 'user', 'hi')).rejects.toMatchObject({ status: 401 });
    await expect(sessions.deleteSession(dave.id, session.id)).rejects.toMatchObject({ status: 401 });
    // A live user asking for a session that is not there still gets a 404.
    const erin = await chat.signUp('erin');
    await expect(sessions.renameSession(erin.id, SOME_ID, 'u')).rejects.toMatchObject({ status: 404 });
  });
});

describe.each(databaseTargets())('a $database database reset behind the same Redis', (target) => {
  let server: RedisServer;
  let dir: string;

  beforeAll(async () => {
    server = await RedisServer.start();
    dir = mkdtempSync(join(tmpdir(), 'chat-cache-reset-'));
  });

  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('turns the old tokens away with 401, though Redis still holds their profiles', async () => {
    const before = await startChatApp({ REDIS_URL: server.url, DATABASE_PATH: join(dir, 'before.db'), ...(await target.env()) });
    const frank = await before.signUp('frank');
    await request(before.http).get('/users/me').set(bearer(frank.token)).expect(200);
    const session = (await request(before.http).post('/sessions').set(bearer(frank.token)).send({ title: 't' }).expect(201)).body;
    await before.close();

    const after = await startChatApp({ REDIS_URL: server.url, DATABASE_PATH: join(dir, 'after.db'), ...(await target.env()) });
    try {
      expect(await after.app.get(CacheService).get(Keys.profileKey(frank.id))).toEqual({ id: frank.id, name: 'frank' });
      expect(await statusesOf(after.http, frank.token, session.id)).toEqual(all401(session.id));
    } finally {
      await after.close();
    }
  });
});
