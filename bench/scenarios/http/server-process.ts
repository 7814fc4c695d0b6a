import { ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import type { HttpAdapterName } from '../../../src/config/app-config';
import type { FromServer, ServerStats } from './protocol';

export type ReadyMessage = Extract<FromServer, { type: 'ready' }>;

/** A forked bench server: its `ready` message, its counters on demand, and a way to stop it. */
export interface BenchServerProcess<Ready, Stats> {
  ready: Ready;
  stats(): Promise<Stats>;
  stop(): Promise<void>;
}

export type ServerProcess = BenchServerProcess<ReadyMessage, ServerStats>;

/** What every bench server sends: `ready` once it serves, `stats` when asked, `error` when it cannot start. */
type ServerMessage<Stats> = { type: 'ready' } | { type: 'stats'; id: number; stats: Stats } | { type: 'error'; message: string };

const SERVER = path.join(__dirname, 'server.ts');
const START_TIMEOUT_MS = 90_000;

const TRANSPILE_HOOK = path.join(__dirname, 'transpile-hook.js');

/**
 * Forks server.ts (compiled on load by transpile-hook.js, not ts-node) and waits for its `ready`.
 * The server runs the app on `adapter` (HTTP_ADAPTER); `databaseUrl`: on that PostgreSQL instead of an
 * in-memory SQLite (scenario 10). With BENCH_HTTP_CPU_PROF=<dir> the server writes a V8 CPU profile
 * there when stopped.
 */
export function startServer(adapter: HttpAdapterName = 'express', databaseUrl?: string): Promise<ServerProcess> {
  return forkBenchServer<ReadyMessage, ServerStats>(SERVER, { BENCH_HTTP_ADAPTER: adapter, BENCH_HTTP_DATABASE_URL: databaseUrl ?? '' });
}

/**
 * Forks the bench server `script` with `env` added to the bench's (and NODE_ENV=production), and
 * waits for its `ready`. The server answers `{ type: 'stats', id }` and `{ type: 'stop' }` over IPC.
 */
export function forkBenchServer<Ready extends { type: 'ready' }, Stats>(
  script: string,
  env: Record<string, string>,
): Promise<BenchServerProcess<Ready, Stats>> {
  const execArgv = ['-r', TRANSPILE_HOOK];
  if (process.env.BENCH_HTTP_CPU_PROF) execArgv.push('--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_HTTP_CPU_PROF}`);
  const child = fork(script, [], {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production', ...env },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`the bench server ${path.basename(script)} did not start within ${START_TIMEOUT_MS / 1000} s`));
    }, START_TIMEOUT_MS);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`the bench server ${path.basename(script)} exited (${code}) before it was ready`));
    };
    child.once('exit', onExit);
    child.on('message', (message: ServerMessage<Stats>) => {
      if (message.type === 'error') {
        clearTimeout(timer);
        child.off('exit', onExit);
        child.kill();
        reject(new Error(`the bench server ${path.basename(script)} failed: ${message.message}`));
      } else if (message.type === 'ready') {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(serverProcess<Ready, Stats>(child, message as Ready));
      }
    });
  });
}

function serverProcess<Ready, Stats>(child: ChildProcess, ready: Ready): BenchServerProcess<Ready, Stats> {
  let nextId = 0;
  const ask = (message: { type: 'stats'; id: number } | { type: 'stop' }) => child.send(message);
  return {
    ready,
    stats: () =>
      new Promise((resolve, reject) => {
        const id = ++nextId;
        const onMessage = (message: ServerMessage<Stats>) => {
          if (message.type === 'stats' && message.id === id) {
            child.off('message', onMessage);
            child.off('exit', onExit);
            resolve(message.stats);
          }
        };
        const onExit = () => reject(new Error('the bench server exited'));
        child.on('message', onMessage);
        child.once('exit', onExit);
        ask({ type: 'stats', id });
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        ask({ type: 'stop' });
      }),
  };
}
