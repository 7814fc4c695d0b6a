import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { postgresBinDir } from './postgres-server-binary';
import { freePort } from './redis-server';

const run = promisify(execFile);

/** PostgreSQL refuses to run as root; as root the tests run it as Debian's `postgres` user. */
const RUN_AS = userInfo().uid === 0 ? 'postgres' : undefined;

/**
 * A real PostgreSQL on a free loopback port, owned by one test file: `start` in beforeAll, `stop` in
 * afterAll. Its cluster lives in a temporary directory (trust authentication on 127.0.0.1 only,
 * fsync off: a test database need not survive a power cut) that `stop` removes. One server per file
 * keeps the startup cost (initdb) to one per file; `createDatabase` gives a test its own database,
 * which is fast. `halt` and `resume` stop and start the same cluster on the same port, as an outage.
 */
export class PostgresServer {
  private running = false;
  private databases = 0;
  private static readonly live = new Set<PostgresServer>();

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly bin: string,
  ) {}

  static async start(): Promise<PostgresServer> {
    const bin = postgresBinDir();
    const dir = mkdtempSync(join(tmpdir(), `chat-cache-postgres-${testRunId()}-`));
    if (RUN_AS !== undefined) chownSync(dir, uidOf(RUN_AS), gidOf(RUN_AS));
    const server = new PostgresServer(await freePort(), dir, bin);
    PostgresServer.live.add(server);
    try {
      await server.pg('initdb', ['-D', server.dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
      writeFileSync(join(server.dataDir, 'pg_hba.conf'), 'host all all 127.0.0.1/32 trust\n');
      await server.resume();
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** The URL of a database on this server (`postgres`, the one initdb creates, by default). */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** A new, empty database; answers its URL. */
  async createDatabase(name = `test_${++this.databases}_${process.pid}`): Promise<string> {
    await this.query(`CREATE DATABASE "${name}"`);
    return this.url(name);
  }

  /** Runs one statement on the `postgres` database with a client of its own, outside the code under test. */
  async query<T extends object = Record<string, unknown>>(text: string, values: unknown[] = [], database = 'postgres'): Promise<T[]> {
    const client = new Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return (await client.query<T>(text, values)).rows;
    } finally {
      await client.end();
    }
  }

  /** Stops the server as an operator would (`pg_ctl stop -m fast`): connections are terminated at once. */
  async halt(): Promise<void> {
    if (!this.running) return;
    await this.pg('pg_ctl', ['stop', '-D', this.dataDir, '-m', 'fast', '-w']);
    this.running = false;
  }

  /** Starts the cluster (again), on the same port, with what it held. */
  async resume(): Promise<void> {
    if (this.running) return;
    const options = [
      `-p ${this.port}`,
      "-c listen_addresses='127.0.0.1'",
      `-c unix_socket_directories='${this.dir}'`,
      '-c fsync=off -c synchronous_commit=off -c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    await this.pg('pg_ctl', ['start', '-D', this.dataDir, '-w', '-t', '30', '-l', join(this.dir, 'server.log'), '-o', options]);
    this.running = true;
  }

  /** Stops the server and removes its directory; safe to call twice, and after a failed start. */
  async stop(): Promise<void> {
    try {
      if (this.running) await this.pg('pg_ctl', ['stop', '-D', this.dataDir, '-m', 'immediate', '-w']);
    } finally {
      this.running = false;
      PostgresServer.live.delete(this);
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  private async pg(tool: 'initdb' | 'pg_ctl', args: string[]): Promise<void> {
    const [command, commandArgs] = this.command(tool, args);
    try {
      await run(command, commandArgs, { cwd: this.dir, timeout: 60_000 });
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      throw new Error(`${tool} ${args[0]} failed on port ${this.port}: ${(stderr || stdout || String(error)).trim()}`, { cause: error });
    }
  }

  private command(tool: string, args: string[]): [string, string[]] {
    const path = join(this.bin, tool);
    return RUN_AS === undefined ? [path, args] : ['runuser', ['-u', RUN_AS, '--', path, ...args]];
  }

  /**
   * Stops the cluster in `dir` at once if a postmaster runs there, and removes the directory:
   * synchronous, for process exit and Jest's globalTeardown (stop-leftover-postgres.ts).
   */
  static stopClusterNow(dir: string): void {
    const dataDir = join(dir, 'data');
    try {
      if (existsSync(join(dataDir, 'postmaster.pid'))) {
        const path = join(postgresBinDir(), 'pg_ctl');
        const args = ['stop', '-D', dataDir, '-m', 'immediate', '-w'];
        if (RUN_AS === undefined) execFileSync(path, args, { stdio: 'ignore', timeout: 30_000 });
        else execFileSync('runuser', ['-u', RUN_AS, '--', path, ...args], { stdio: 'ignore', timeout: 30_000 });
      }
    } catch {
      // Best effort: the directory goes all the same.
    }
    rmSync(dir, { recursive: true, force: true });
  }

  /** Outside Jest (the bench), a process that exits without stop() must not leave a postmaster behind. */
  static stopAllNow(): void {
    for (const server of PostgresServer.live) PostgresServer.stopClusterNow(server.dir);
    PostgresServer.live.clear();
  }
}

process.once('exit', () => PostgresServer.stopAllNow());

/** Names this test run's clusters (set by Jest's globalSetup), so that its teardown stops only its own. */
export function testRunId(): string {
  return process.env.CHAT_CACHE_TEST_RUN ?? `pid${process.pid}`;
}

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
}

function gidOf(user: string): number {
  return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
}
