import type { Pool } from 'pg';
import { POSTGRES_MIGRATIONS } from './postgres-schema';

/** Any constant will do, as long as every instance of this application uses the same one. */
const MIGRATION_LOCK_KEY = 7_412_031_914;

/**
 * Brings the schema up to date, once when several instances boot together: the first to take the
 * advisory lock migrates, the others wait for it, then find nothing left to do. Each migration
 * commits with its version, so a failed one leaves the database at the one before.
 */
export async function migratePostgres(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS chat_schema (version integer NOT NULL)');
      const { rows } = await client.query<{ version: number }>('SELECT version FROM chat_schema');
      let applied = rows[0]?.version ?? 0;
      if (rows.length === 0) await client.query('INSERT INTO chat_schema (version) VALUES (0)');
      for (; applied < POSTGRES_MIGRATIONS.length; applied++) {
        await client.query('BEGIN');
        try {
          await client.query(POSTGRES_MIGRATIONS[applied]);
          await client.query('UPDATE chat_schema SET version = $1', [applied + 1]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}
