import { Pool } from 'pg';
import { databaseUnavailableCause } from '../../src/chat/database/database-unavailable';
import { isPostgresUnavailable } from '../../src/chat/database/postgres-unavailable';
import { PostgresServer } from '../support/postgres-server';
import { freePort } from '../support/redis-server';

/**
 * The errors a real PostgreSQL (and pg's pool) gives, classified: unavailable is a 503, the rest is
 * not. databaseUnavailableCause is what the app's filter and guard ask: it answers pg's cause, the
 * label of chat_database_unavailable_total.
 */
describe('isPostgresUnavailable', () => {
  let server: PostgresServer;
  const pools: Pool[] = [];

  beforeAll(async () => {
    server = await PostgresServer.start();
  }, 60_000);

  afterAll(async () => {
    for (const pool of pools) await pool.end();
    await server.stop();
  });

  function pool(options: ConstructorParameters<typeof Pool>[0] = {}): Pool {
    const created = new Pool({ connectionString: server.url(), ...options });
    created.on('error', () => {});
    pools.push(created);
    return created;
  }

  const errorOf = async (work: () => Promise<unknown>): Promise<unknown> => {
    try {
      await work();
    } catch (error) {
      return error;
    }
    throw new Error('expected the work to fail');
  };

  it('a refused connection (nothing listens on the port)', async () => {
    const port = await freePort();
    const refused = pool({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    const error = await errorOf(() => refused.query('SELECT 1'));
    expect(isPostgresUnavailable(error)).toBe(true);
    expect(databaseUnavailableCause(error)).toBe('ECONNREFUSED');
  });

  it('a statement that outlives statement_timeout (57014)', async () => {
    const slow = pool({ statement_timeout: 50 });
    const error = await errorOf(() => slow.query('SELECT pg_sleep(5)'));
    expect(error).toMatchObject({ code: '57014' });
    expect(isPostgresUnavailable(error)).toBe(true);
    expect(databaseUnavailableCause(error)).toBe('57014');
  });

  it('no client free in the pool within connectionTimeoutMillis', async () => {
    // Long enough for the first connect on a busy machine; the second waits it out.
    const small = pool({ max: 1, connectionTimeoutMillis: 2000 });
    const held = await small.connect();
    try {
      const error = await errorOf(() => small.query('SELECT 1'));
      expect(isPostgresUnavailable(error)).toBe(true);
      expect(databaseUnavailableCause(error)).toBe('PG_POOL_TIMEOUT');
    } finally {
      held.release();
    }
  });

  it('a connection the server terminates (57P01), and a query on it after that', async () => {
    const connections = pool();
    const victim = await connections.connect();
    // As PostgresChatDatabase does: a checked-out client's 'error' would otherwise end the process.
    victim.on('error', () => {});
    const [{ pid }] = (await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    await server.query('SELECT pg_terminate_backend($1)', [pid]);
    const error = await errorOf(() => victim.query('SELECT 1'));
    victim.release(true);
    expect(isPostgresUnavailable(error)).toBe(true);
    // Which of these depends on when pg notices the terminated socket.
    expect(databaseUnavailableCause(error)).toMatch(/^(57P01|PG_CONNECTION_TERMINATED|PG_CLIENT_BROKEN)$/);
  });

  it('not a query the database refused: a constraint, a syntax error, a missing table', async () => {
    const db = pool();
    await db.query('CREATE TABLE IF NOT EXISTS uniq (v int PRIMARY KEY)');
    await db.query('INSERT INTO uniq VALUES (1) ON CONFLICT DO NOTHING');
    for (const text of ['INSERT INTO uniq VALUES (1)', 'SELEC 1', 'SELECT * FROM missing_table']) {
      const error = await errorOf(() => db.query(text));
      expect(isPostgresUnavailable(error)).toBe(false);
      expect(databaseUnavailableCause(error)).toBeUndefined();
    }
    expect(isPostgresUnavailable(new Error('anything else'))).toBe(false);
    expect(isPostgresUnavailable(undefined)).toBe(false);
  });
});
