import { sql } from 'kysely';
import { CHAT_DATABASE, ChatDatabase } from '../../src/chat/database/chat-database';
import type { ChatApp } from './chat-app';

/**
 * What a chat app's database holds, read (and changed behind the app's back) outside the code
 * under test, on either engine.
 */
export function chatDatabaseRows(chat: ChatApp) {
  const database = chat.app.get<ChatDatabase>(CHAT_DATABASE);
  const { db } = database;
  return {
    db,
    async users(id: string): Promise<number> {
      return count(
        db
          .selectFrom('users')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('id', '=', id),
      );
    },
    async sessionsOf(userId: string): Promise<number> {
      return count(
        db
          .selectFrom('sessions')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('user_id', '=', userId),
      );
    },
    async messagesIn(sessionIds: string[]): Promise<number> {
      return count(
        db
          .selectFrom('messages')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('session_id', 'in', sessionIds),
      );
    },
    /** Entries of the search index that match `word` (FTS5's table on SQLite, the tsvector column on PostgreSQL). */
    async searchEntries(word: string): Promise<number> {
      const query =
        database.engine === 'sqlite'
          ? sql<{ n: number }>`SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH ${`"${word}"`}`
          : sql<{ n: string }>`SELECT count(*) AS n FROM messages WHERE search @@ plainto_tsquery('simple', ${word})`;
      return Number((await query.execute(db)).rows[0].n);
    },
    /** Deletes the user and their sessions as an operator (or another tool) would, without the app. */
    async deleteUserBehindTheAppsBack(userId: string): Promise<void> {
      await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
      await db.deleteFrom('users').where('id', '=', userId).execute();
    },
  };
}

/** count(*) answers a number on SQLite, a bigint as a string on PostgreSQL. */
async function count(query: { executeTakeFirstOrThrow(): Promise<{ n: number | string | bigint }> }): Promise<number> {
  return Number((await query.executeTakeFirstOrThrow()).n);
}
