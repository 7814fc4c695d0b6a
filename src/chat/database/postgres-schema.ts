/**
 * PostgreSQL migrations, applied in order at boot; the table `chat_schema` records how many have
 * run (SQLite's `user_version`, see schema.ts, which holds the same tables). Search: a generated
 * `tsvector` with the 'simple' configuration (lower-cased words, no stemming, no stop words: the
 * closest to FTS5's unicode61 tokenizer) and a GIN index over it.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    id         text PRIMARY KEY,
    name       text NOT NULL,
    created_at text NOT NULL
  );

  CREATE TABLE sessions (
    seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              text NOT NULL UNIQUE,
    user_id         text NOT NULL REFERENCES users(id),
    title           text NOT NULL,
    created_at      text NOT NULL,
    updated_at      text NOT NULL,
    message_count   integer NOT NULL DEFAULT 0,
    last_message_at text,
    activity_at     text NOT NULL
  );
  CREATE INDEX sessions_by_user_activity ON sessions (user_id, activity_at DESC, seq DESC);

  CREATE TABLE messages (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         text NOT NULL UNIQUE,
    session_id text NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    role       text NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    content    text NOT NULL,
    created_at text NOT NULL,
    search     tsvector GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED
  );
  CREATE INDEX messages_by_session ON messages (session_id, seq);
  CREATE INDEX messages_search ON messages USING GIN (search);
  `,
];
