import { Inject, Injectable } from '@nestjs/common';
import type { Compilable, Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import { CHAT_DATABASE, ChatDatabase } from './database/chat-database';
import type { ChatTables } from './database/chat-tables';
import { isForeignKeyViolation } from './database/foreign-key-violation';
import { searchMessages } from './database/message-search';
import { ReusableQuery } from './database/reusable-query';
import { Message, MessagePage, MessageRole, SearchHit, SearchQuery, Session, User } from './chat.types';

interface SessionRow {
  id: string;
  user_id: string;
  title: string;
  created_at: string;
  updated_at: string;
  message_count: number;
  last_message_at: string | null;
}

interface MessageRow {
  id: string;
  session_id: string;
  role: MessageRole;
  content: string;
  created_at: string;
}

const SESSION_COLUMNS = ['id', 'user_id', 'title', 'created_at', 'updated_at', 'message_count', 'last_message_at'] as const;
const MESSAGE_COLUMNS = ['id', 'session_id', 'role', 'content', 'created_at'] as const;

/**
 * The only code that speaks SQL, to SQLite or PostgreSQL through kysely (parameters only). Every
 * write checks ownership inside its statement or transaction, never against an earlier read.
 */
@Injectable()
export class ChatRepository {
  private readonly db: Kysely<ChatTables>;
  /** The reads of every request, compiled once (see ReusableQuery); parameters in the order of their SQL. */
  private readonly reads;

  constructor(@Inject(CHAT_DATABASE) private readonly database: ChatDatabase) {
    this.db = database.db;
    const read = <Row>(build: (db: Kysely<ChatTables>) => Compilable<Row>) => new ReusableQuery(this.db, build);
    this.reads = {
      findUser: read((db) => db.selectFrom('users').select(['id', 'name']).where('id', '=', '$id')),
      userExists: read((db) => db.selectFrom('users').select('id').where('id', '=', '$id')),
      findSession: read((db) => db.selectFrom('sessions').select(SESSION_COLUMNS).where('id', '=', '$id')),
      sessionsOfUser: read((db) =>
        db
          .selectFrom('sessions')
          .select(SESSION_COLUMNS)
          .where('user_id', '=', '$userId')
          .orderBy('activity_at', 'desc')
          .orderBy('seq', 'desc')
          .limit(0),
      ),
      sessionIdsOfUser: read((db) =>
        db
          .selectFrom('sessions')
          .select('id')
          .where('user_id', '=', '$userId')
          .orderBy('activity_at', 'desc')
          .orderBy('seq', 'desc')
          .limit(0),
      ),
      messageSeq: read((db) => db.selectFrom('messages').select('seq').where('id', '=', '$id').where('session_id', '=', '$sessionId')),
      newestMessages: read((db) =>
        db.selectFrom('messages').select(MESSAGE_COLUMNS).where('session_id', '=', '$sessionId').orderBy('seq', 'desc').limit(0),
      ),
      newestMessagesBefore: read((db) =>
        db
          .selectFrom('messages')
          .select(MESSAGE_COLUMNS)
          .where('session_id', '=', '$sessionId')
          .where('seq', '<', 0)
          .orderBy('seq', 'desc')
          .limit(0),
      ),
    };
  }

  async createUser(name: string): Promise<User> {
    const user = { id: randomUUID(), name };
    await this.database.write((db) => db.insertInto('users').values({ id: user.id, name: user.name, created_at: now() }).execute());
    return user;
  }

  async findUser(id: string): Promise<User | null> {
    return (await this.reads.findUser.first(id)) ?? null;
  }

  async userExists(id: string): Promise<boolean> {
    return (await this.reads.userExists.first(id)) !== undefined;
  }

  /**
   * Deletes the user, their sessions and their messages (on SQLite the search index follows the
   * messages by trigger) in one transaction; answers the ids of the sessions it deleted, or null
   * when there was no such user. The user's row is locked first (a no-op on SQLite, whose
   * transaction holds the write lock already): a session being created for them at the same moment
   * then waits, and fails its ownership check once this commits, so none escapes `sessionIds`.
   */
  async deleteUser(id: string): Promise<string[] | null> {
    return this.database.writeTransaction(async (trx) => {
      let lockUser = trx.selectFrom('users').select('id').where('id', '=', id);
      if (this.database.engine === 'postgres') lockUser = lockUser.forUpdate();
      if ((await lockUser.executeTakeFirst()) === undefined) return null;
      await trx
        .deleteFrom('messages')
        .where('session_id', 'in', (eb) => eb.selectFrom('sessions').select('id').where('user_id', '=', id))
        .execute();
      const sessions = await trx.deleteFrom('sessions').where('user_id', '=', id).returning('id').execute();
      await trx.deleteFrom('users').where('id', '=', id).execute();
      return sessions.map((session) => session.id);
    });
  }

  /** The new session, or null when the user does not exist (any more). */
  async createSession(userId: string, title: string): Promise<Session | null> {
    const id = randomUUID();
    const at = now();
    try {
      // Inserts nothing when the user is gone, rather than failing on the foreign key.
      const row = await this.database.write((db) =>
        db
          .insertInto('sessions')
          .columns(['id', 'user_id', 'title', 'created_at', 'updated_at', 'activity_at'])
          .expression((eb) =>
            eb
              .selectFrom('users')
              .select([
                eb.val(id).as('id'),
                eb.val(userId).as('user_id'),
                eb.val(title).as('title'),
                eb.val(at).as('created_at'),
                eb.val(at).as('updated_at'),
                eb.val(at).as('activity_at'),
              ])
              .where('users.id', '=', userId),
          )
          .returning(SESSION_COLUMNS)
          .executeTakeFirst(),
      );
      return row ? toSession(row) : null;
    } catch (error) {
      // PostgreSQL: the user was deleted by a transaction that committed after this insert's check.
      if (isForeignKeyViolation(error)) return null;
      throw error;
    }
  }

  async findSession(id: string): Promise<Session | null> {
    const row = await this.reads.findSession.first(id);
    return row ? toSession(row) : null;
  }

  /** The renamed session, or null when the user has no such session. */
  async renameSession(userId: string, id: string, title: string): Promise<Session | null> {
    const at = now();
    const row = await this.database.write((db) =>
      db
        .updateTable('sessions')
        .set({ title, updated_at: at, activity_at: at })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .returning(SESSION_COLUMNS)
        .executeTakeFirst(),
    );
    return row ? toSession(row) : null;
  }

  /** Whether the user had such a session; its messages (and their search entries) go with it. */
  async deleteSession(userId: string, id: string): Promise<boolean> {
    return this.database.writeTransaction(async (trx) => {
      const { numDeletedRows } = await trx
        .deleteFrom('sessions')
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      if (numDeletedRows === 0n) return false;
      await trx.deleteFrom('messages').where('session_id', '=', id).execute();
      return true;
    });
  }

  async listSessions(userId: string, limit: number): Promise<Session[]> {
    return (await this.reads.sessionsOfUser.rows(userId, limit)).map(toSession);
  }

  /** The ids of the user's `limit` sessions of newest activity, newest first. */
  async listSessionIds(userId: string, limit: number): Promise<string[]> {
    return (await this.reads.sessionIdsOfUser.rows(userId, limit)).map((row) => row.id);
  }

  /** The sessions of these ids that exist, in no particular order (one statement for all of them). */
  async findSessions(ids: readonly string[]): Promise<Session[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('sessions')
      .select(SESSION_COLUMNS)
      .where('id', 'in', [...ids])
      .execute();
    return rows.map(toSession);
  }

  /**
   * Stores the message and counts it on its session, in one transaction; null when the user has no
   * such session. The ownership check is part of the transaction (the UPDATE, which also locks the
   * session's row), so a session deleted by another instance a moment before is a null here, never
   * a foreign-key error.
   */
  async addMessage(userId: string, sessionId: string, role: MessageRole, content: string): Promise<Message | null> {
    const message: Message = { id: randomUUID(), sessionId, role, content, createdAt: now() };
    return this.database.writeTransaction(async (trx) => {
      const { numUpdatedRows } = await trx
        .updateTable('sessions')
        .set((eb) => ({
          message_count: eb('message_count', '+', 1),
          last_message_at: message.createdAt,
          activity_at: message.createdAt,
        }))
        .where('id', '=', sessionId)
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      if (numUpdatedRows === 0n) return null;
      await trx
        .insertInto('messages')
        .values({ id: message.id, session_id: sessionId, role, content, created_at: message.createdAt })
        .execute();
      return message;
    });
  }

  /**
   * The newest `limit` messages older than `before` (or the newest overall), oldest first; null
   * when `before` is not a message of the session.
   */
  async listMessages(sessionId: string, limit: number, before?: string): Promise<MessagePage | null> {
    let rows: MessageRow[];
    // One row more than asked tells whether an older page exists.
    if (before === undefined) {
      rows = await this.reads.newestMessages.rows(sessionId, limit + 1);
    } else {
      const cursor = await this.reads.messageSeq.first(before, sessionId);
      if (cursor === undefined) return null;
      rows = await this.reads.newestMessagesBefore.rows(sessionId, cursor.seq, limit + 1);
    }
    const hasOlder = rows.length > limit;
    const items = rows.slice(0, limit).reverse().map(toMessage);
    return { items, nextCursor: hasOlder && items.length > 0 ? items[0].id : null };
  }

  /** The user's messages matching the words of `q`, best match first. */
  search(userId: string, query: SearchQuery): Promise<SearchHit[]> {
    return searchMessages(this.db, this.database.engine, userId, query);
  }
}

function now(): string {
  return new Date().toISOString();
}

function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    userId: row.user_id,
    title: row.title,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    messageCount: row.message_count,
    lastMessageAt: row.last_message_at,
  };
}

function toMessage(row: MessageRow): Message {
  return { id: row.id, sessionId: row.session_id, role: row.role, content: row.content, createdAt: row.created_at };
}
