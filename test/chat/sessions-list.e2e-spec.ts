import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ChatRepository } from '../../src/chat/chat.repository';
import { bearer, ChatApp, startChatApp } from '../support/chat-app';
import { chatModes } from '../support/chat-modes';
import { DatabaseFault, diskReadError } from '../support/database-fault';
import { expectUnavailable } from '../support/expect-unavailable';

type Auth = ReturnType<typeof bearer>;

/**
 * GET /sessions loads its sessions from the per-session entries (getOrSetMany): the list and a
 * session's details are one cached copy, so each shows what the other loaded, and a write that
 * changes a session shows in both at once.
 */
describe.each(chatModes())('the sessions list and the sessions it shows ($name)', (mode) => {
  let dir: string;
  let fault: DatabaseFault;
  let app: ChatApp;

  beforeAll(async () => {
    await mode.start();
    dir = mkdtempSync(join(tmpdir(), 'chat-cache-sessions-list-'));
    fault = new DatabaseFault();
    app = await startChatApp({ ...mode.env(), DATABASE_PATH: join(dir, 'chat.db') }, false, (builder) => fault.install(builder));
  });

  afterAll(async () => {
    await app?.close();
    await mode.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => fault.heal());

  const create = async (auth: Auth, title: string) =>
    (await request(app.http).post('/sessions').set(auth).send({ title }).expect(201)).body as { id: string };
  const titles = async (auth: Auth, query = '') =>
    (await request(app.http).get(`/sessions${query}`).set(auth).expect(200)).body.items.map((s: { title: string }) => s.title);

  it('a session the list showed answers its details from the cache while the database fails', async () => {
    const { token } = await app.signUp('lister');
    const auth = bearer(token);
    const listed = await create(auth, 'listed');
    const notListed = await create(auth, 'not listed');
    await create(auth, 'newest');
    // The two newest: 'listed' is the oldest of the three, left out.
    expect(await titles(auth, '?limit=2')).toEqual(['newest', 'not listed']);

    fault.fail(diskReadError());
    const details = await request(app.http).get(`/sessions/${notListed.id}`).set(auth).expect(200);
    expect(details.headers['x-cache']).toBe('MISS');
    expect(details.body).toMatchObject({ id: notListed.id, title: 'not listed', messageCount: 0 });
    await expectUnavailable(() => request(app.http).get(`/sessions/${listed.id}`).set(auth));
  });

  it('sessions whose details are cached are not read again for the list; the list keeps its order', async () => {
    const { token } = await app.signUp('reader');
    const auth = bearer(token);
    const first = await create(auth, 'first');
    const second = await create(auth, 'second');
    await create(auth, 'third');
    for (const session of [first, second]) await request(app.http).get(`/sessions/${session.id}`).set(auth).expect(200);
    const findSessions = jest.spyOn(app.app.get(ChatRepository), 'findSessions');
    try {
      expect(await titles(auth)).toEqual(['third', 'second', 'first']);
      // One query, for the one session no entry had.
      expect(findSessions.mock.calls).toEqual([[[expect.any(String)]]]);
    } finally {
      findSessions.mockRestore();
    }
  });

  it('a rename, a new message and a deletion show in the list at once', async () => {
    const { token } = await app.signUp('writer');
    const auth = bearer(token);
    const a = await create(auth, 'a');
    const b = await create(auth, 'b');
    const c = await create(auth, 'c');
    expect(await titles(auth)).toEqual(['c', 'b', 'a']);
    await request(app.http).patch(`/sessions/${a.id}`).set(auth).send({ title: 'a renamed' }).expect(200);
    expect(await titles(auth)).toEqual(['a renamed', 'c', 'b']);
    await request(app.http).post(`/sessions/${b.id}/messages`).set(auth).send({ role: 'user', content: 'hi' }).expect(201);
    const items = (await request(app.http).get('/sessions').set(auth).expect(200)).body.items;
    expect(items.map((s: { title: string; messageCount: number }) => [s.title, s.messageCount])).toEqual([
      ['b', 1],
      ['a renamed', 0],
      ['c', 0],
    ]);
    // The details answer what the list answers: one entry for both.
    expect((await request(app.http).get(`/sessions/${b.id}`).set(auth).expect(200)).body).toEqual(items[0]);
    await request(app.http).delete(`/sessions/${c.id}`).set(auth).expect(204);
    expect(await titles(auth)).toEqual(['b', 'a renamed']);
  });
});
