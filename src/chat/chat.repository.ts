import { Inject, Injectable } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { CHAT_DATABASE } from './database/chat-database.provider';
import { Message, MessagePage, MessageRole, SearchHit, SearchQuery, Session, User } from './chat.types';
import { toFtsQuery } from './fts-query';

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
  seq: number;
  id: string;
  session_id: string;
  role: MessageRole;
  content: string;
  created_at: string;
}

const SESSION_COLUMNS = 'id, user_id, title, created_at, updated_at, message_count, last_message_at';
const MESSAGE_COLUMNS = 'seq, id, session_id, role, content, created_at';

/** The only code that speaks SQL: prepared statements, parameters only. */
@Injectable()
export class ChatRepository {
  private readonly statements;

  constructor(@Inject(CHAT_DATABASE) private readonly db: Database.Database) {
    this.statements = {
      insertUser: db.prepare('INSERT INTO users (id, name, created_at) VALUES (?, ?, ?)'),
      findUser: db.prepare('SELECT id, name FROM users WHERE id = ?'),
      userExists: db.prepare('SELECT 1 FROM users WHERE id = ?').pluck(),
      deleteUser: db.prepare('DELETE FROM users WHERE id = ?'),
      sessionIdsOfUser: db.prepare('SELECT id FROM sessions WHERE user_id = ?').pluck(),
      deleteSessionsOfUser: db.prepare('DELETE FROM sessions WHERE user_id = ?'),
      deleteMessagesOfUser: db.prepare('DELETE FROM messages WHERE session_id IN (SELECT id FROM sessions WHERE user_id = ?)'),
      // Inserts nothing when the user is gone, rather than failing on the foreign key.
      insertSession: db.prepare(
        `INSERT INTO sessions (id, user_id, title, created_at, updated_at, activity_at)
         SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM users WHERE id = ?)`,
      ),
      findSession: db.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ?`),
      renameSession: db.prepare(`UPDATE sessions SET title = ?, updated_at = ?, activity_at = ? WHERE id = ? AND user_id = ?`),
      deleteSession: db.prepare('DELETE FROM sessions WHERE id = ? AND user_id = ?'),
      deleteMessagesOf: db.prepare('DELETE FROM messages WHERE session_id = ?'),
      newestSessionIdsOfUser: db.prepare('SELECT id FROM sessions WHERE user_id = ? ORDER BY activity_at DESC, seq DESC LIMIT ?').pluck(),
      // One statement for any number of ids: they travel as one JSON array parameter.
      sessionsByIds: db.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id IN (SELECT value FROM json_each(?))`),
      insertMessage: db.prepare(`INSERT INTO messages (id, session_id, role, content, created_at) VALUES (?, ?, ?, ?, ?)`),
      countMessage: db.prepare(
        `UPDATE sessions SET message_count = message_count + 1, last_message_at = ?, activity_at = ? WHERE id = ? AND user_id = ?`,
      ),
      messageSeq: db.prepare('SELECT seq FROM messages WHERE id = ? AND session_id = ?'),
      newestMessages: db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE session_id = ? ORDER BY seq DESC LIMIT ?`),
      newestMessagesBefore: db.prepare(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE session_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
      ),
      search: db.prepare(
        `SELECT m.session_id, m.id, m.role, m.created_at,
                snippet(messages_fts, 0, '**', '**', '…', 16) AS snippet
           FROM messages_fts
           JOIN messages m ON m.seq = messages_fts.rowid
           JOIN sessions s ON s.id = m.session_id
          WHERE messages_fts MATCH @match
            AND s.user_id = @userId
            AND (@sessionId IS NULL OR m.session_id = @sessionId)
            AND (@role IS NULL OR m.role = @role)
          ORDER BY rank, m.seq DESC
          LIMIT @limit`,
      ),
    };
  }

  createUser(name: string): User {
    const user = { id: randomUUID(), name };
    this.statements.insertUser.run(user.id, user.name, now());
    return user;
  }

  findUser(id: string): User | null {
    return (this.statements.findUser.get(id) as User | undefined) ?? null;
  }

  userExists(id: string): boolean {
    return this.statements.userExists.get(id) !== undefined;
  }

  /**
   * Deletes the user, their sessions and their messages (the search index follows the messages, by
   * trigger) in one transaction; answers the ids of the sessions it deleted, read in that same
   * transaction so that none created a moment before is missed, or null when there was no such user.
   * IMMEDIATE takes the write lock first: a read followed by writes in a deferred transaction could
   * fail with SQLITE_BUSY when another instance writes in between.
   */
  deleteUser(id: string): string[] | null {
    return this.db
      .transaction(() => {
        const sessionIds = this.statements.sessionIdsOfUser.all(id) as string[];
        this.statements.deleteMessagesOfUser.run(id);
        this.statements.deleteSessionsOfUser.run(id);
        const { changes } = this.statements.deleteUser.run(id);
        return changes === 0 ? null : sessionIds;
      })
      .immediate();
  }

  /** The new session, or null when the user does not exist (any more). */
  createSession(userId: string, title: string): Session | null {
    const id = randomUUID();
    const at = now();
    const { changes } = this.statements.insertSession.run(id, userId, title, at, at, at, userId);
    return changes === 0 ? null : this.findSession(id);
  }

  findSession(id: string): Session | null {
    const row = this.statements.findSession.get(id) as SessionRow | undefined;
    return row ? toSession(row) : null;
  }

  /** The renamed session, or null when the user has no such session. */
  renameSession(userId: string, id: string, title: string): Session | null {
    const at = now();
    const { changes } = this.statements.renameSession.run(title, at, at, id, userId);
    return changes === 0 ? null : this.findSession(id);
  }

  /** Whether the user had such a session; its messages (and their search entries) go with it. */
  deleteSession(userId: string, id: string): boolean {
    return this.db.transaction(() => {
      const { changes } = this.statements.deleteSession.run(id, userId);
      if (changes > 0) this.statements.deleteMessagesOf.run(id);
      return changes > 0;
    })();
  }

  /** The ids of the user's `limit` sessions of newest activity, newest first. */
  listSessionIds(userId: string, limit: number): string[] {
    return this.statements.newestSessionIdsOfUser.all(userId, limit) as string[];
  }

  /** The sessions of these ids that exist, in no particular order. */
  findSessions(ids: readonly string[]): Session[] {
    if (ids.length === 0) return [];
    return (this.statements.sessionsByIds.all(JSON.stringify(ids)) as SessionRow[]).map(toSession);
  }

  /**
   * Stores the message and counts it on its session, in one transaction; null when the user has no
   * such session. The ownership check is part of the transaction, so a session deleted by another
   * instance a moment before is a null here, never a foreign-key error.
   */
  addMessage(userId: string, sessionId: string, role: MessageRole, content: string): Message | null {
    const message: Message = { id: randomUUID(), sessionId, role, content, createdAt: now() };
    return this.db.transaction(() => {
      const { changes } = this.statements.countMessage.run(message.createdAt, message.createdAt, sessionId, userId);
      if (changes === 0) return null;
      this.statements.insertMessage.run(message.id, sessionId, role, content, message.createdAt);
      return message;
    })();
  }

  /**
   * The newest `limit` messages older than `before` (or the newest overall), oldest first; null
   * when `before` is not a message of the session.
   */
  listMessages(sessionId: string, limit: number, before?: string): MessagePage | null {
    let beforeSeq: number | undefined;
    if (before !== undefined) {
      beforeSeq = (this.statements.messageSeq.get(before, sessionId) as { seq: number } | undefined)?.seq;
      if (beforeSeq === undefined) return null;
    }
    // One row more than asked tells whether an older page exists.
    const rows = (
      beforeSeq === undefined
        ? this.statements.newestMessages.all(sessionId, limit + 1)
        : this.statements.newestMessagesBefore.all(sessionId, beforeSeq, limit + 1)
    ) as MessageRow[];
    const hasOlder = rows.length > limit;
    const page = rows.slice(0, limit).reverse().map(toMessage);
    return { items: page, nextCursor: hasOlder && page.length > 0 ? page[0].id : null };
  }

  /** The user's messages matching the words of `q`, best match first. */
  search(userId: string, query: SearchQuery): SearchHit[] {
    const match = toFtsQuery(query.q);
    if (match === null) return [];
    const rows = this.statements.search.all({
      match,
      userId,
      sessionId: query.sessionId ?? null,
      role: query.role ?? null,
      limit: query.limit,
    }) as { session_id: string; id: string; role: MessageRole; created_at: string; snippet: string }[];
    return rows.map((row) => ({
      sessionId: row.session_id,
      messageId: row.id,
      role: row.role,
      snippet: row.snippet,
      createdAt: row.created_at,
    }));
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
