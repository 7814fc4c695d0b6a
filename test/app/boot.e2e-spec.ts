import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server, Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { loadConfig } from '../../src/config';
import { AppProcess, BUILT_MAIN, isRunning, REPO_ROOT } from '../support/app-process';
import { freePort, RedisServer } from '../support/redis-server';

const run = promisify(execFile);

async function startApp(env: Record<string, string>): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(loadConfig(env)), { logger: false });
  await app.init();
  return app;
}

describe('the application', () => {
  it('answers GET /health on its embedded defaults (memory cache, no Redis)', async () => {
    const app = await startApp({});
    try {
      const response = await request(app.getHttpServer()).get('/health').expect(200);
      expect(response.body.status).toBe('ok');
      expect(response.body.details.cache).toEqual({ status: 'up', driver: 'memory', redis: 'not configured' });
    } finally {
      await app.close();
    }
  });

  describe('with Redis', () => {
    let server: RedisServer;
    beforeAll(async () => {
      server = await RedisServer.start();
    });
    afterAll(async () => {
      await server.stop();
    });

    it('reports Redis up, then down without failing the health check, then up again', async () => {
      const app = await startApp({ REDIS_URL: server.url, REDIS_COMMAND_TIMEOUT_MS: '100' });
      try {
        const health = () => request(app.getHttpServer()).get('/health').expect(200);
        expect((await health()).body.details.cache).toMatchObject({ driver: 'hybrid', redis: 'up' });
        await server.kill();
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect((await health()).body.details.cache).toMatchObject({ status: 'up', redis: 'down' });
        await server.restart();
        let redisState = '';
        for (let i = 0; i < 100 && redisState !== 'up'; i++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          redisState = (await health()).body.details.cache.redis;
        }
        expect(redisState).toBe('up');
      } finally {
        await app.close();
      }
    });
  });
});

/** Where the bug took forever (a boot that hung, a shutdown held by a client), a bound a busy 2-core machine meets. */
const DOES_NOT_HANG_MS = 20_000;
/** A new Node process loading Nest: one to five seconds on a busy machine. */
const BOOT_TEST_TIMEOUT_MS = 30_000;

describe('the real process', () => {
  let dir: string;
  beforeAll(async () => {
    // What `npm start` runs first: builds dist/ when it is missing or older than src/, once for this file.
    await run(process.execPath, [join(REPO_ROOT, 'scripts', 'build-if-stale.js')], { cwd: REPO_ROOT });
    dir = mkdtempSync(join(tmpdir(), 'chat-cache-boot-'));
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Lines the app printed to stdout, without the two that npm prints before it. */
  const appLines = (output: string) => output.split('\n').filter((line) => line !== '' && !line.startsWith('> '));

  // Both adapters: the shutdown and the server limits work on the Node server under either.
  describe.each(['express', 'fastify'])('npm start on %s, stopped as a process manager stops it', (adapter) => {
    it('SIGTERM to npm stops the server: the port closes, npm exits 0 and no process is left', async () => {
      const port = await freePort();
      const app = AppProcess.spawn('npm', ['start'], { PORT: String(port), HTTP_ADAPTER: adapter, LOG_FORMAT: 'json' });
      await app.waitFor(/listening on/, DOES_NOT_HANG_MS);
      await request(`http://127.0.0.1:${port}`).get('/health/live').expect(200);
      const lines = appLines(app.stdout).map((line) => JSON.parse(line) as { pid: number; message: string });
      const appPid = lines.find((line) => line.message.startsWith('chat-cache listening on'))!.pid;

      app.child.kill('SIGTERM');
      expect(await app.exit(DOES_NOT_HANG_MS)).toEqual({ code: 0, signal: null });
      expect(isRunning(appPid)).toBe(false);
      await expect(request(`http://127.0.0.1:${port}`).get('/health/live')).rejects.toThrow(/ECONNREFUSED/);
      // LOG_FORMAT=json holds for every line, the listening line and the shutdown's included.
      const messages = appLines(app.stdout).map((line) => (JSON.parse(line) as { message: string }).message);
      expect(messages).toContain(`chat-cache listening on http://localhost:${port} (POST /users to begin, GET /health)`);
      expect(messages.filter((message) => message.startsWith('shutdown.'))).toEqual([
        'shutdown.begin signal=SIGTERM open_connections=0 requests_in_flight=0 drain_timeout_ms=10000',
        expect.stringMatching(/^shutdown\.end drained=true requests_cut=0 connections_closed=0 closed=true duration_ms=\d+$/),
      ]);
      expect(messages).not.toContain('Nest application successfully started');
      expect(app.stderr).toBe('');
    }, 60_000);

    it('half-sent requests hold the shutdown for SHUTDOWN_TIMEOUT_MS at most, then are cut, and it says so', async () => {
      const port = await freePort();
      const app = AppProcess.spawn('npm', ['start'], {
        PORT: String(port),
        HTTP_ADAPTER: adapter,
        LOG_FORMAT: 'json',
        SHUTDOWN_TIMEOUT_MS: '1000',
      });
      await app.waitFor(/listening on/, DOES_NOT_HANG_MS);
      const headers = await openSocket(port, 'GET /health HTTP/1.1\r\nHost: x\r\n');
      const body = await openSocket(
        port,
        'POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"na',
      );
      // Answered after the two above were accepted and read: the server holds both when the signal comes.
      await request(`http://127.0.0.1:${port}`).get('/health/live').expect(200);

      const signalledAt = performance.now();
      app.child.kill('SIGTERM');
      expect(await app.exit(DOES_NOT_HANG_MS)).toEqual({ code: 0, signal: null });
      const shutdownMs = performance.now() - signalledAt;
      expect(await Promise.all([headers.closed, body.closed])).toEqual([true, true]);
      const shutdownLines = appLines(app.stdout)
        .map((line) => JSON.parse(line) as { level: string; message: string })
        .filter((line) => line.message.startsWith('shutdown.'))
        .map(({ level, message }) => ({ level, message }));
      expect(shutdownLines).toEqual([
        {
          level: 'log',
          message: expect.stringMatching(
            /^shutdown\.begin signal=SIGTERM open_connections=[23] requests_in_flight=1 drain_timeout_ms=1000$/,
          ),
        },
        {
          level: 'warn',
          message: expect.stringMatching(/^shutdown\.end drained=false requests_cut=1 connections_closed=2 closed=true duration_ms=\d+$/),
        },
      ]);
      // Before, such a client held the process until it gave up (70 s and 170 s); now one drain timeout and the closing.
      expect(shutdownMs).toBeLessThan(10_000);
    }, 60_000);

    it('a port in use is one line naming it, with no stack trace, and no "successfully started" before it', async () => {
      const port = await freePort();
      const holder = await listenOn(port);
      try {
        const app = AppProcess.spawn('npm', ['start'], { PORT: String(port), HTTP_ADAPTER: adapter });
        expect(await app.exit(DOES_NOT_HANG_MS)).toEqual({ code: 1, signal: null });
        expect(app.stderr).toBe(
          `Cannot start: port ${port} is already in use (PORT=${port}): stop the process that holds it, or set PORT to a free port\n`,
        );
        expect(app.stdout).not.toMatch(/successfully started|listening on|EADDRINUSE|\n\s+at /);
      } finally {
        holder.close();
      }
    }, 60_000);
  });

  describe('boot errors of the entry point npm start runs (node dist/main.js): one line, exit code 1, within seconds', () => {
    const bootFails = async (env: Record<string, string>) => {
      // Run from an empty directory, so that no .env file of the repository is read.
      const app = AppProcess.spawn(process.execPath, [BUILT_MAIN], env, dir);
      const exit = await app.exit(DOES_NOT_HANG_MS);
      expect(app.stdout).not.toMatch(/\n\s+at |successfully started/);
      return { exit, stderr: app.stderr };
    };

    it.each([
      [
        { CACHE_MAX_ENTRIES: 'lots' },
        'Invalid configuration: CACHE_MAX_ENTRIES must be an integer from 1 to 9007199254740991 (got "lots")',
      ],
      [{ HTTP_ADAPTER: 'koa' }, 'Invalid configuration: HTTP_ADAPTER must be one of express, fastify (got "koa")'],
      [{ CACHE_GRACE_MS: '10m' }, 'Invalid configuration: CACHE_GRACE_MS must be an integer from 0 to 9007199254740991 (got "10m")'],
      [
        { REDIS_URL: 'localhost:6379' },
        'Invalid configuration: REDIS_URL must be redis://host:port or rediss://host:port (got "localhost:6379"); did you mean redis://localhost:6379?',
      ],
      [
        { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: '127.0.0.1:7000' },
        'Invalid configuration: REDIS_URL and REDIS_CLUSTER_NODES are both set: set REDIS_URL for one Redis server or REDIS_CLUSTER_NODES for a Redis Cluster, not both',
      ],
      [
        { NODE_ENV: 'production', JWT_SECRET: 'abcde' },
        'Invalid configuration: JWT_SECRET must be at least 32 characters when NODE_ENV=production (got 5; e.g. openssl rand -base64 48)',
      ],
      [
        // Under /proc mkdir answers ENOENT, and Node's mkdir -p retried it forever: the boot hung, silent.
        { DATABASE_PATH: '/proc/nope/chat.db' },
        'Cannot start: DATABASE_PATH is "/proc/nope/chat.db": cannot create the directory /proc/nope (ENOENT: no such file or directory); set DATABASE_PATH to a file in a directory this process can write',
      ],
    ])(
      '%j: %s',
      async (env, line) => {
        const { exit, stderr } = await bootFails(env);
        expect(exit).toEqual({ code: 1, signal: null });
        expect(stderr).toBe(`${line}\n`);
      },
      BOOT_TEST_TIMEOUT_MS,
    );

    it(
      'a DATABASE_PATH whose directory is a file',
      async () => {
        writeFileSync(join(dir, 'a-file'), '');
        const path = join(dir, 'a-file', 'chat.db');
        const { exit, stderr } = await bootFails({ DATABASE_PATH: path });
        expect(exit).toEqual({ code: 1, signal: null });
        expect(stderr).toBe(
          `Cannot start: DATABASE_PATH is "${path}": cannot create the directory ${join(dir, 'a-file')} (ENOTDIR: not a directory); set DATABASE_PATH to a file in a directory this process can write\n`,
        );
      },
      BOOT_TEST_TIMEOUT_MS,
    );

    it(
      'a DATABASE_PATH in a directory this process cannot write',
      async () => {
        // /proc: not writable for a user (access says so), nor for root (SQLite cannot create the file there).
        const { exit, stderr } = await bootFails({ DATABASE_PATH: '/proc/chat.db' });
        expect(exit).toEqual({ code: 1, signal: null });
        expect(stderr).toMatch(/^Cannot start: DATABASE_PATH is "\/proc\/chat\.db": [^\n]+; set DATABASE_PATH to a[^\n]+\n$/);
      },
      BOOT_TEST_TIMEOUT_MS,
    );

    it(
      'a DATABASE_URL where no PostgreSQL answers (its password not repeated)',
      async () => {
        const port = await freePort();
        const { exit, stderr } = await bootFails({ DATABASE_URL: `postgres://chat:hunter2@127.0.0.1:${port}/chat` });
        expect(exit).toEqual({ code: 1, signal: null });
        expect(stderr).toBe(
          `Cannot start: DATABASE_URL is "postgres://***@127.0.0.1:${port}/chat": PostgreSQL cannot be used (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:${port}); start PostgreSQL or set DATABASE_URL to a database this process can reach, or unset it to use SQLite\n`,
        );
      },
      BOOT_TEST_TIMEOUT_MS,
    );

    it(
      'a DATABASE_URL that is no postgres:// URL',
      async () => {
        const { exit, stderr } = await bootFails({ DATABASE_URL: 'mysql://db/chat' });
        expect(exit).toEqual({ code: 1, signal: null });
        expect(stderr).toBe(
          'Invalid configuration: DATABASE_URL must be postgres://user:password@host:port/database (got "mysql://db/chat"); unset it to use SQLite (DATABASE_PATH)\n',
        );
      },
      BOOT_TEST_TIMEOUT_MS,
    );

    it(
      'with LOG_FORMAT=json, a configuration error is one JSON line too',
      async () => {
        const { exit, stderr } = await bootFails({ LOG_FORMAT: 'json', CACHE_TTL_MS: 'abc' });
        expect(exit).toEqual({ code: 1, signal: null });
        expect(stderr.endsWith('\n') && !stderr.trimEnd().includes('\n')).toBe(true);
        expect(JSON.parse(stderr)).toMatchObject({
          level: 'error',
          message: 'Invalid configuration: CACHE_TTL_MS must be an integer from 0 to 9007199254740991 (got "abc")',
        });
      },
      BOOT_TEST_TIMEOUT_MS,
    );
  });
});

/** A raw connection that has sent `text` and no more; `closed` resolves true when the server closes it. */
function openSocket(port: number, text: string): Promise<{ socket: Socket; closed: Promise<boolean> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(text);
      resolve({ socket, closed: new Promise((closed) => socket.once('close', () => closed(true))) });
    });
    socket.once('error', reject);
  });
}

/** Holds `port` on every interface, as the app would listen. */
function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}
