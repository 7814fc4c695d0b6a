import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatRepository } from './chat.repository';
import { openDatabase } from './database/open-database';

describe('ChatRepository on SQLite', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chat-repo-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the file, and reopening it keeps the data (the schema is migrated once)', () => {
    const path = join(dir, 'nested', 'chat.db');
    const first = openDatabase(path);
    const user = new ChatRepository(first).createUser('Ada');
    first.close();
    const again = openDatabase(path);
    expect(new ChatRepository(again).findUser(user.id)).toEqual(user);
    expect(again.pragma('journal_mode', { simple: true })).toBe('wal');
    again.close();
  });

  it('two connections on one file see each other’s writes', () => {
    const path = join(dir, 'chat.db');
    const [a, b] = [openDatabase(path), openDatabase(path)];
    const repoA = new ChatRepository(a);
    const repoB = new ChatRepository(b);
    const user = repoA.createUser('Ada');
    const session = repoB.createSession(user.id, 'shared')!;
    repoA.addMessage(user.id, session.id, 'user', 'hello from A');
    expect(repoB.findSession(session.id)).toMatchObject({ messageCount: 1 });
    expect(repoB.search(user.id, { q: 'hello', limit: 10 })).toHaveLength(1);
    a.close();
    b.close();
  });

  it('deleting a session removes its messages and their search entries', () => {
    const db = openDatabase(':memory:');
    const repo = new ChatRepository(db);
    const user = repo.createUser('Ada');
    const session = repo.createSession(user.id, 't')!;
    repo.addMessage(user.id, session.id, 'user', 'needle');
    expect(repo.deleteSession(user.id, session.id)).toBe(true);
    expect(repo.search(user.id, { q: 'needle', limit: 10 })).toEqual([]);
    expect(db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
    expect(db.prepare("SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'needle'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('deleting a user removes their sessions, messages and search entries, and answers the session ids', () => {
    const db = openDatabase(':memory:');
    const repo = new ChatRepository(db);
    const ada = repo.createUser('Ada');
    const bob = repo.createUser('Bob');
    const sessions = [repo.createSession(ada.id, 'one')!, repo.createSession(ada.id, 'two')!];
    for (const session of sessions) repo.addMessage(ada.id, session.id, 'user', 'needle');
    const bobs = repo.createSession(bob.id, 'bob')!;
    repo.addMessage(bob.id, bobs.id, 'user', 'needle');

    expect(repo.deleteUser(ada.id)?.sort()).toEqual(sessions.map((s) => s.id).sort());
    expect(repo.userExists(ada.id)).toBe(false);
    expect(repo.findSession(sessions[0].id)).toBeNull();
    expect(db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 1 });
    expect(db.prepare("SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH 'needle'").get()).toEqual({ n: 1 });
    expect(repo.search(bob.id, { q: 'needle', limit: 10 })).toHaveLength(1);
    expect(repo.deleteUser(ada.id)).toBeNull();
    db.close();
  });

  it('creates no session for a user that does not exist, instead of failing on the foreign key', () => {
    const db = openDatabase(':memory:');
    const repo = new ChatRepository(db);
    expect(repo.createSession('00000000-0000-4000-8000-000000000000', 't')).toBeNull();
    expect(db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 });
    db.close();
  });

  it('never renames or deletes another user’s session', () => {
    const db = openDatabase(':memory:');
    const repo = new ChatRepository(db);
    const owner = repo.createUser('Ada');
    const other = repo.createUser('Bob');
    const session = repo.createSession(owner.id, 'mine')!;
    expect(repo.renameSession(other.id, session.id, 'theirs')).toBeNull();
    expect(repo.deleteSession(other.id, session.id)).toBe(false);
    expect(repo.addMessage(other.id, session.id, 'user', 'sneaky')).toBeNull();
    expect(repo.findSession(session.id)).toMatchObject({ title: 'mine', messageCount: 0 });
    db.close();
  });

  it('pages messages newest first by insertion order, even within one millisecond', () => {
    const db = openDatabase(':memory:');
    const repo = new ChatRepository(db);
    const user = repo.createUser('Ada');
    const session = repo.createSession(user.id, 't')!;
    const ids = Array.from({ length: 5 }, (_, i) => repo.addMessage(user.id, session.id, 'user', `m${i}`)!.id);
    const newest = repo.listMessages(session.id, 2)!;
    expect(newest.items.map((m) => m.id)).toEqual(ids.slice(3));
    const older = repo.listMessages(session.id, 2, newest.nextCursor!)!;
    expect(older.items.map((m) => m.id)).toEqual(ids.slice(1, 3));
    const oldest = repo.listMessages(session.id, 2, older.nextCursor!)!;
    expect(oldest).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    expect(repo.listMessages(session.id, 2, '00000000-0000-4000-8000-000000000000')).toBeNull();
    db.close();
  });
});
