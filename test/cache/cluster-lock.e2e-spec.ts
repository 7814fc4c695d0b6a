/**
 * getOrSet with `lock: 'cluster'` across real processes on one real redis-server: one factory call
 * per cold key for every instance, a holder killed mid-factory replaced once its lease expires, and
 * Redis dying while a lease is held costing no caller an error.
 */
import { ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { DEFAULT_LEASE_MS } from '../../src/cache/locks';
import { startCacheContext, type CacheContext } from '../support/cache-context';
import { deferred } from '../support/deferred';
import type { FromLeaseChild, ToLeaseChild } from '../support/lease-instance-child';
import { eventually, RedisServer } from '../support/redis-server';

const CHILD = path.join(__dirname, '..', 'support', 'lease-instance-child.ts');
/** Forking four Nest processes through ts-node takes seconds on a loaded machine. */
const START_TIMEOUT_MS = 60_000;

class Instance {
  readonly factoryCalls: { key: string; at: number }[] = [];
  private readonly loaded = new Map<string, (outcome: { values: unknown[]; errors: string[] }) => void>();
  readonly exited: Promise<void>;

  private constructor(readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.on('message', (message: FromLeaseChild) => {
      if (message.type === 'factory-called') this.factoryCalls.push({ key: message.key, at: Date.now() });
      if (message.type === 'loaded') this.loaded.get(message.key)?.(message);
    });
  }

  static start(url: string, prefix: string, id: string): Promise<Instance> {
    const child = fork(CHILD, [url, prefix, id], {
      execArgv: ['-r', 'ts-node/register/transpile-only'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`instance ${id} exited (${code}) before it was ready`)));
      child.on('message', (message: FromLeaseChild) => {
        if (message.type === 'ready') resolve(new Instance(child));
        if (message.type === 'error') reject(new Error(message.message));
      });
    });
  }

  load(key: string, callers: number, factoryMs: number, value: string): Promise<{ values: unknown[]; errors: string[] }> {
    const outcome = new Promise<{ values: unknown[]; errors: string[] }>((resolve) => this.loaded.set(key, resolve));
    this.child.send({ type: 'load', key, callers, factoryMs, value } satisfies ToLeaseChild);
    return outcome;
  }

  callsOf(key: string): number {
    return this.factoryCalls.filter((call) => call.key === key).length;
  }

  /** When this instance's factory first ran for the key (earlier tests' keys may have run on it too). */
  firstCallAt(key: string): number | undefined {
    return this.factoryCalls.find((call) => call.key === key)?.at;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.send({ type: 'stop' } satisfies ToLeaseChild);
    await this.exited;
  }
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("getOrSet lock: 'cluster' across processes (real redis-server)", () => {
  let server: RedisServer;
  let instances: Instance[];

  beforeAll(async () => {
    server = await RedisServer.start();
    instances = await Promise.all([0, 1, 2, 3].map((i) => Instance.start(server.url, 'lock:', `lock-${i}`)));
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.allSettled(instances?.map((instance) => instance.stop()) ?? []);
    await server?.stop();
  }, 20_000);

  it('makes one factory call for 4 processes x 50 callers of a cold key, and every caller gets its value', async () => {
    const outcomes = await Promise.all(instances.map((instance) => instance.load('cold', 50, 100, 'the value')));
    expect(instances.reduce((sum, instance) => sum + instance.callsOf('cold'), 0)).toBe(1);
    for (const outcome of outcomes) {
      expect(outcome.errors).toEqual([]);
      expect(outcome.values).toEqual(Array(50).fill('the value'));
    }
  }, 20_000);

  it('a holder killed mid-factory: another instance takes over once the lease expires', async () => {
    const [holder, other] = [instances[2], instances[3]];
    void holder.load('killed', 5, -1, 'never');
    await until(() => holder.callsOf('killed') === 1, 10_000);
    const waiting = other.load('killed', 5, 0, 'from the survivor');
    // The survivor waits on the lease instead of loading beside the holder.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(other.callsOf('killed')).toBe(0);
    holder.child.kill('SIGKILL');
    const killedAt = Date.now();
    const outcome = await waiting;
    expect(outcome).toMatchObject({ values: Array(5).fill('from the survivor'), errors: [] });
    expect(other.callsOf('killed')).toBe(1);
    // Not before the dead holder's lease ran out (it was renewed until the kill).
    expect(other.firstCallAt('killed')! - killedAt).toBeGreaterThanOrEqual(DEFAULT_LEASE_MS / 3 - 100);
  }, 30_000);
});

describe("getOrSet lock: 'cluster' when Redis dies while a lease is held", () => {
  let server: RedisServer;
  const contexts: CacheContext[] = [];

  beforeAll(async () => {
    server = await RedisServer.start();
    for (const id of ['a', 'b']) {
      contexts.push(
        await startCacheContext({ keyPrefix: 'dies:', redis: { url: server.url, commandTimeoutMs: 200 }, instanceId: id, lock: 'cluster' }),
      );
    }
  });

  afterAll(async () => {
    // Back before closing, every connection (2 instances x client, bus, lease wake-ups): ioredis gives a
    // client closed while it reconnects 2 s to end its socket, past Jest's exit.
    await server.restart();
    const spy = server.client();
    await eventually(
      async () =>
        String(await spy.client('LIST'))
          .trim()
          .split('\n').length >=
        2 * 3 + 1,
      10_000,
      20,
    );
    spy.disconnect();
    await Promise.allSettled(contexts.map((context) => context.close()));
    await server.stop();
  });

  it('the holder and the waiters get values, never an error; the waiter loads alone once Redis is gone', async () => {
    const [a, b] = contexts.map((context) => context.cache);
    const holderStarted = deferred<void>();
    const holderGate = deferred<string>();
    const holderCalls = Array.from({ length: 10 }, () =>
      a.getOrSet('hot', () => {
        holderStarted.resolve();
        return holderGate.promise;
      }),
    );
    await holderStarted.promise;
    const waiterFactory = jest.fn(async () => 'loaded by b');
    const waiterCalls = Array.from({ length: 10 }, () => b.getOrSet('hot', waiterFactory));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(waiterFactory).not.toHaveBeenCalled();
    await server.kill();
    holderGate.resolve('loaded by a');
    await expect(Promise.all(holderCalls)).resolves.toEqual(Array(10).fill('loaded by a'));
    await expect(Promise.all(waiterCalls)).resolves.toEqual(Array(10).fill('loaded by b'));
    expect(waiterFactory).toHaveBeenCalledTimes(1);
    // Redis still away: a cold key loads at once through the process's single-flight.
    const alone = jest.fn(async () => 'alone');
    await expect(Promise.all([a.getOrSet('cold', alone), a.getOrSet('cold', alone)])).resolves.toEqual(['alone', 'alone']);
    expect(alone).toHaveBeenCalledTimes(1);
  }, 20_000);
});
