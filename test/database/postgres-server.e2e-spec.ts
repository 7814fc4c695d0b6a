import { existsSync } from 'node:fs';
import { PostgresServer } from '../support/postgres-server';

/** The test server itself: the chat's PostgreSQL specs stand on it. */
describe('PostgresServer (the tests’ own PostgreSQL)', () => {
  let server: PostgresServer;

  beforeAll(async () => {
    server = await PostgresServer.start();
  }, 60_000);

  afterAll(async () => {
    await server.stop();
  });

  it('answers on its loopback port, and gives each caller a database of its own', async () => {
    const [a, b] = [await server.createDatabase(), await server.createDatabase()];
    expect(a).not.toBe(b);
    const name = (url: string) => new URL(url).pathname.slice(1);
    await server.query('CREATE TABLE t (v text)', [], name(a));
    await server.query("INSERT INTO t VALUES ('kept')", [], name(a));
    expect(await server.query('SELECT v FROM t', [], name(a))).toEqual([{ v: 'kept' }]);
    await expect(server.query('SELECT v FROM t', [], name(b))).rejects.toThrow(/does not exist/);
  });

  it('halts and resumes on the same port with what it held', async () => {
    await server.query('CREATE TABLE IF NOT EXISTS outage (v int)');
    await server.query('INSERT INTO outage VALUES (1)');
    await server.halt();
    await expect(server.query('SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    await server.resume();
    expect(await server.query('SELECT v FROM outage')).toEqual([{ v: 1 }]);
  });

  it('removes its cluster directory when stopped', async () => {
    const other = await PostgresServer.start();
    const dir = (other as unknown as { dir: string }).dir;
    expect(existsSync(dir)).toBe(true);
    await other.stop();
    expect(existsSync(dir)).toBe(false);
    await other.stop();
  }, 60_000);
});
