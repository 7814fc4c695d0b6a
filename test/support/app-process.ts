import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');
/** The built entry point that `npm start` runs (after its prestart has built it). */
export const BUILT_MAIN = join(REPO_ROOT, 'dist', 'main.js');

/** Variables of the app's configuration: none leaks from the test's own environment into a spawned app. */
const APP_VARIABLES =
  /^(PORT|HTTP_ADAPTER|DATABASE_PATH|DATABASE_URL|DATABASE_POOL_MAX|DATABASE_STATEMENT_TIMEOUT_MS|REDIS_URL|REDIS_CLUSTER_NODES|CACHE_\w+|REDIS_COMMAND_TIMEOUT_MS|JWT_SECRET|ADMIN_TOKEN|METRICS_TOKEN|SHUTDOWN_TIMEOUT_MS|LOG_LEVEL|LOG_FORMAT|NODE_ENV)$/;

export function appEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !APP_VARIABLES.test(name)));
  return { ...inherited, DATABASE_PATH: ':memory:', ...env };
}

/** A spawned process with everything it printed so far, and its end. */
export class AppProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly waiters = new Set<() => void>();

  constructor(readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => this.append('stdout', chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => this.append('stderr', chunk));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static spawn(command: string, args: string[], env: Record<string, string>, cwd = REPO_ROOT): AppProcess {
    return new AppProcess(spawn(command, args, { cwd, env: appEnv(env), stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  /** Resolves when the output so far matches `pattern`; rejects if the process exits first or `timeoutMs` passes. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<void> {
    const matched = () => pattern.test(this.stdout + this.stderr);
    if (matched()) return;
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const check = () => matched() && done();
      const timer = setTimeout(
        () => done(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${this.stdout}${this.stderr}`)),
        timeoutMs,
      );
      this.waiters.add(check);
      void this.exited.then(() =>
        setImmediate(() => !matched() && done(new Error(`exited before ${pattern}; output:\n${this.stdout}${this.stderr}`))),
      );
    });
  }

  /** Waits for the exit, killing the process if it has not exited within `timeoutMs` (it then resolves with signal SIGKILL). */
  async exit(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }

  private append(stream: 'stdout' | 'stderr', chunk: string): void {
    this[stream] += chunk;
    for (const check of [...this.waiters]) check();
  }
}

/** Whether a process with this pid is still running. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
