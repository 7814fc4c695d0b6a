import { sql } from 'kysely';
import { ChatRepository } from '../../src/chat/chat.repository';
import type { ChatDatabase } from '../../src/chat/database/chat-database';
import { databaseEngines } from '../support/database-engines';

describe.each(databaseEngines())('ChatRepository on $name', (engine) => {
  const opened: ChatDatabase[] = [];

  beforeAll(() => engine.start(), 60_000);
  afterEach(async () => {
    for (const database of opened.splice(0)) await database.close();
  });
  afterAll(() => engine.stop());

  async function open(env?: Record<string, string>) {
    const database = await engine.open(env ?? (await engine.newDatabase()));
    opened.push(database);
    return { database, repo: new ChatRepository(database) };
  }

  async function count(database: ChatDatabase, table: 'messages' | 'sessions'): Promise<number> {
    const { rows } = await sql<{ n: number | string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(database.db);
    return Number(rows[0].n);
  }

  it('creates the database, and reopening it keeps the data (the schema is migrated once)', async () => {
    const env = await engine.newDatabase();
    const first = await engine.open(env);
    const user = await new ChatRepository(first).createUser('Ada');
    await first.close();
    const { repo } = await open(env);
    expect(await repo.findUser(user.id)).toEqual(user);
  });

  it('several instances opening one new database together migrate it once', async () => {
    const env = await engine.newDatabase();
    const databases = await Promise.all([1, 2, 3].map(() => engine.open(env)));
    opened.push(...databases);
    const user = await new ChatRepository(databases[0]).createUser('Ada');
    for (const database of databases) expect(await new ChatRepository(database).findUser(user.id)).toEqual(user);
  });

  it('two connections on one database see each other’s writes', async () => {
    const env = await engine.newDatabase();
    const { repo: repoA } = await open(env);
    const { repo: repoB } = await open(env);
    const user = await repoA.createUser('Ada');
    const session = (await repoB.createSession(user.id, 'shared'))!;
    await repoA.addMessage(user.id, session.id, 'user', 'hello from A');
    expect(await repoB.findSession(session.id)).toMatchObject({ messageCount: 1 });
    expect(await repoB.search(user.id, { q: 'hello', limit: 10 })).toHaveLength(1);
  });

  it('deleting a session removes its messages and their search entries', async () => {
    const { database, repo } = await open();
    const user = await repo.createUser('Ada');
    const session = (await repo.createSession(user.id, 't'))!;
    await repo.addMessage(user.id, session.id, 'user', 'needle');
    expect(await repo.deleteSession(user.id, session.id)).toBe(true);
    expect(await repo.search(user.id, { q: 'needle', limit: 10 })).toEqual([]);
    expect(await count(database, 'messages')).toBe(0);
  });

  it('deleting a user removes their sessions, messages and search entries, and answers the session ids', async () => {
    const { database, repo } = await open();
    const ada = await repo.createUser('Ada');
    const bob = await repo.createUser('Bob');
    const sessions = [(await repo.createSession(ada.id, 'one'))!, (await repo.createSession(ada.id, 'two'))!];
    for (const session of sessions) await repo.addMessage(ada.id, session.id, 'user', 'needle');
    const bobs = (await repo.createSession(bob.id, 'bob'))!;
    await repo.addMessage(bob.id, bobs.id, 'user', 'needle');

    expect((await repo.deleteUser(ada.id))?.sort()).toEqual(sessions.map((s) => s.id).sort());
    expect(await repo.userExists(ada.id)).toBe(false);
    expect(await repo.findSession(sessions[0].id)).toBeNull();
    expect(await count(database, 'messages')).toBe(1);
    expect(await repo.search(bob.id, { q: 'needle', limit: 10 })).toHaveLength(1);
    expect(await repo.deleteUser(ada.id)).toBeNull();
  });

  it('a session created while its user is being deleted is either in the deleted ids or never created', async () => {
    const env = await engine.newDatabase();
    const { repo: deleting } = await open(env);
    const { repo: creating } = await open(env);
    for (let round = 0; round < 10; round++) {
      const user = await deleting.createUser(`racer ${round}`);
      const [deletedIds, created] = await Promise.all([deleting.deleteUser(user.id), creating.createSession(user.id, 'late')]);
      if (created !== null) expect(deletedIds).toContain(created.id);
      expect(await deleting.listSessions(user.id, 10)).toEqual([]);
    }
  });

  it('creates no session for a user that does not exist, instead of failing on the foreign key', async () => {
    const { database, repo } = await open();
    expect(await repo.createSession('00000000-0000-4000-8000-000000000000', 't')).toBeNull();
    expect(await count(database, 'sessions')).toBe(0);
  });

  it('never renames or deletes another user’s session', async () => {
    const { repo } = await open();
    const owner = await repo.createUser('Ada');
    const other = await repo.createUser('Bob');
    const session = (await repo.createSession(owner.id, 'mine'))!;
    expect(await repo.renameSession(other.id, session.id, 'theirs')).toBeNull();
    expect(await repo.deleteSession(other.id, session.id)).toBe(false);
    expect(await repo.addMessage(other.id, session.id, 'user', 'sneaky')).toBeNull();
    expect(await repo.findSession(session.id)).toMatchObject({ title: 'mine', messageCount: 0 });
  });

  it('pages messages newest first by insertion order, even within one millisecond', async () => {
    const { repo } = await open();
    const user = await repo.createUser('Ada');
    const session = (await repo.createSession(user.id, 't'))!;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await repo.addMessage(user.id, session.id, 'user', `m${i}`))!.id);
    const newest = (await repo.listMessages(session.id, 2))!;
    expect(newest.items.map((m) => m.id)).toEqual(ids.slice(3));
    const older = (await repo.listMessages(session.id, 2, newest.nextCursor!))!;
    expect(older.items.map((m) => m.id)).toEqual(ids.slice(1, 3));
    const oldest = (await repo.listMessages(session.id, 2, older.nextCursor!))!;
    expect(oldest).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    expect(await repo.listMessages(session.id, 2, '00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('values round-trip exactly: times, counts, unicode and quotes', async () => {
    const { repo } = await open();
    const user = await repo.createUser('Zoë \'"; DROP TABLE users; -- 💬');
    expect(await repo.findUser(user.id)).toEqual(user);
    const session = (await repo.createSession(user.id, 'naïve “title”'))!;
    const content = 'line 1\nline 2\t\\ \u2028 名前 ß';
    const message = (await repo.addMessage(user.id, session.id, 'assistant', content))!;
    expect((await repo.listMessages(session.id, 10))!.items).toEqual([message]);
    const stored = (await repo.findSession(session.id))!;
    expect(stored).toEqual({ ...session, messageCount: 1, lastMessageAt: message.createdAt, updatedAt: session.updatedAt });
    expect(typeof stored.messageCount).toBe('number');
  });

  it('searches words of any case, marks them in a snippet, and treats query syntax as text', async () => {
    const { repo } = await open();
    const user = await repo.createUser('Ada');
    const session = (await repo.createSession(user.id, 't'))!;
    const long = `${'lorem ipsum '.repeat(20)}the quick brown fox jumps ${'dolor sit '.repeat(20)}`;
    const hit = (await repo.addMessage(user.id, session.id, 'user', long))!;
    await repo.addMessage(user.id, session.id, 'user', 'nothing to see');
    const [found, ...rest] = await repo.search(user.id, { q: 'BROWN fox', limit: 10 });
    expect(rest).toEqual([]);
    expect(found).toEqual({
      sessionId: session.id,
      messageId: hit.id,
      role: 'user',
      createdAt: hit.createdAt,
      snippet: expect.any(String),
    });
    expect(found.snippet).toContain('**brown**');
    expect(found.snippet.split(/\s+/).length).toBeLessThanOrEqual(20);
    for (const q of ['"', 'a"b', 'AND', 'OR NOT', '(a', 'a:b', '*', 'NEAR/2', '!fox & | <->', "'", '\\']) {
      await expect(repo.search(user.id, { q, limit: 10 })).resolves.toEqual(expect.any(Array));
    }
  });
});
