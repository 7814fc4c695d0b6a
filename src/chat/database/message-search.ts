import { Kysely, RawBuilder, sql } from 'kysely';
import type { MessageRole, SearchHit, SearchQuery } from '../chat.types';
import { toFtsQuery } from '../fts-query';
import type { DatabaseEngine } from './chat-database';
import type { ChatTables } from './chat-tables';

interface SearchRow {
  session_id: string;
  id: string;
  role: MessageRole;
  created_at: string;
  snippet: string;
}

/** Words around the first match in a snippet, as FTS5's snippet(..., 16) gives. */
const SNIPPET_WORDS = 16;

/**
 * The user's messages matching every word of `q`, best match first, with a snippet that marks the
 * matches with `**`: the one part of the repository that each engine does its own way (see
 * docs/architecture.md, "Search on each database"). What the user typed is never query syntax:
 * FTS5 gets each word quoted, PostgreSQL gets it through plainto_tsquery.
 */
export async function searchMessages(
  db: Kysely<ChatTables>,
  engine: DatabaseEngine,
  userId: string,
  query: SearchQuery,
): Promise<SearchHit[]> {
  const match = toFtsQuery(query.q);
  if (match === null) return [];
  const filters = sql.join(
    [
      sql`s.user_id = ${userId}`,
      ...(query.sessionId !== undefined ? [sql`m.session_id = ${query.sessionId}`] : []),
      ...(query.role !== undefined ? [sql`m.role = ${query.role}`] : []),
    ],
    sql` AND `,
  );
  const statement = engine === 'sqlite' ? sqliteSearch(match, filters, query.limit) : postgresSearch(match, filters, query.limit);
  const { rows } = await statement.execute(db);
  return rows.map((row) => ({
    sessionId: row.session_id,
    messageId: row.id,
    role: row.role,
    snippet: row.snippet,
    createdAt: row.created_at,
  }));
}

function sqliteSearch(match: string, filters: RawBuilder<unknown>, limit: number): RawBuilder<SearchRow> {
  return sql<SearchRow>`
    SELECT m.session_id, m.id, m.role, m.created_at,
           snippet(messages_fts, 0, '**', '**', '…', ${sql.lit(SNIPPET_WORDS)}) AS snippet
      FROM messages_fts
      JOIN messages m ON m.seq = messages_fts.rowid
      JOIN sessions s ON s.id = m.session_id
     WHERE messages_fts MATCH ${match} AND ${filters}
     ORDER BY rank, m.seq DESC
     LIMIT ${limit}`;
}

/**
 * ts_rank orders the hits (FTS5 uses BM25: the order of equally good hits may differ); ts_headline
 * runs on the page of hits only, not on every match, as it reparses each message.
 */
function postgresSearch(match: string, filters: RawBuilder<unknown>, limit: number): RawBuilder<SearchRow> {
  // The quoted words of the FTS5 query, unquoted: only letters, digits and marks reach plainto_tsquery.
  const words = match.replace(/"/g, '');
  const headline = `StartSel=**, StopSel=**, MaxWords=${SNIPPET_WORDS}, MinWords=${SNIPPET_WORDS / 2}, ShortWord=0, MaxFragments=1, FragmentDelimiter=" … "`;
  return sql<SearchRow>`
    SELECT hit.session_id, hit.id, hit.role, hit.created_at,
           ts_headline('simple', hit.content, hit.query, ${sql.lit(headline)}) AS snippet
      FROM (
        SELECT m.session_id, m.id, m.role, m.created_at, m.content, m.seq, q.query, ts_rank(m.search, q.query) AS rank
          FROM messages m
          JOIN sessions s ON s.id = m.session_id
          CROSS JOIN plainto_tsquery('simple', ${words}) AS q(query)
         WHERE m.search @@ q.query AND ${filters}
         ORDER BY rank DESC, m.seq DESC
         LIMIT ${limit}
      ) hit
     ORDER BY hit.rank DESC, hit.seq DESC`;
}
