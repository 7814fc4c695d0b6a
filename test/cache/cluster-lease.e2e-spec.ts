import Redis from 'ioredis';
import { ClusterLease, HeldLease, LeaseAttempt, LeaseWaiters, loadUnderLease, RedisPubSubLeaseWake } from '../../src/cache/locks';
import { closeRedisClient, createRedisClient, RedisClient } from '../../src/cache/stores/redis-client.factory';
import { SingleFlight } from '../../src/cache/single-flight';
import { eventually, RedisServer } from '../support/redis-server';

const PREFIX = 'lease:';
const COMMAND_TIMEOUT_MS = 200;
/** Generous bound on one call while Redis is dead: the point is "never hangs", not speed. */
const NEVER_HANGS_MS = 1_500;

/** Blocks the event loop, as a long GC pause or a CPU-bound handler does: no timer of this process runs. */
function blockEventLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function held(attempt: LeaseAttempt): HeldLease {
  if (attempt.outcome !== 'acquired') throw new Error(`expected the lease, got ${attempt.outcome}`);
  return attempt.lease;
}

describe('ClusterLease on a real redis-server', () => {
  let server: RedisServer;
  let spy: Redis;
  const clients: RedisClient[] = [];

  async function client(): Promise<RedisClient> {
    const c = createRedisClient({ url: server.url, commandTimeoutMs: COMMAND_TIMEOUT_MS, connectTimeoutMs: 300 });
    clients.push(c);
    await c.connect();
    return c;
  }

  async function lease(options: { leaseMs?: number; waitMs?: number } = {}): Promise<ClusterLease> {
    return new ClusterLease(await client(), { prefix: PREFIX, commandTimeoutMs: COMMAND_TIMEOUT_MS, ...options });
  }

  beforeAll(async () => {
    server = await RedisServer.start();
    spy = server.client();
  });

  afterAll(async () => {
    await Promise.all(clients.map(closeRedisClient));
    spy.disconnect();
    await server.stop();
  });

  it('lets exactly one of many racing instances hold the lease on a key', async () => {
    const instances = await Promise.all([1, 2, 3, 4].map(() => lease()));
    const attempts = await Promise.all(instances.flatMap((instance) => Array.from({ length: 5 }, () => instance.acquire('race'))));
    const winners = attempts.filter((a) => a.outcome === 'acquired');
    expect(winners).toHaveLength(1);
    expect(attempts.filter((a) => a.outcome === 'busy')).toHaveLength(19);
    expect(await held(winners[0]).release()).toBe(true);
    expect(await spy.exists(instances[0].keyOf('race'))).toBe(0);
  });

  it('keeps its key under the prefix, in the internal namespace, hash-tagged by the value key', async () => {
    const instance = await lease();
    expect(instance.keyOf('sessions:1')).toBe('lease:__cc:lease:{lease:sessions:1}');
    const lease1 = held(await instance.acquire('sessions:1'));
    expect(await spy.pttl('lease:__cc:lease:{lease:sessions:1}')).toBeGreaterThan(0);
    await lease1.release();
  });

  it('does not delete a lease that another holder took over', async () => {
    const instance = await lease({ leaseMs: 5_000 });
    const mine = held(await instance.acquire('taken-over'));
    // Our lease expired and another instance took the key (as if we had been paused past leaseMs).
    await spy.set(instance.keyOf('taken-over'), 'another-holder', 'PX', 5_000);
    expect(await mine.release()).toBe(false);
    expect(await spy.get(instance.keyOf('taken-over'))).toBe('another-holder');
  });

  it('a holder paused past its lease loses it to another and cannot release the new holder', async () => {
    const slow = await lease({ leaseMs: 150 });
    const other = await lease({ leaseMs: 5_000 });
    const first = held(await slow.acquire('paused'));
    blockEventLoop(400); // no renewal runs; Redis expires the lease meanwhile
    const second = held(await other.acquire('paused'));
    // The paused holder's renewal runs now, and finds the lease not its own.
    expect(await eventually(() => first.lost, 2_000)).toBe(true);
    expect(await first.release()).toBe(false);
    expect(await spy.exists(other.keyOf('paused'))).toBe(1);
    expect(await second.release()).toBe(true);
  });

  it('renews the lease while its holder works, past leaseMs', async () => {
    // Renewed every 200 ms: a loaded machine may delay a renewal by 400 ms and the lease still holds.
    const holder = await lease({ leaseMs: 600 });
    const other = await lease();
    const mine = held(await holder.acquire('long-work'));
    await sleep(2_000); // 3.3 x leaseMs of "factory"
    expect((await other.acquire('long-work')).outcome).toBe('busy');
    expect(mine.lost).toBe(false);
    expect(await mine.release()).toBe(true);
    const next = held(await other.acquire('long-work'));
    await next.release();
  });

  it('a holder whose connection dies stops renewing: another takes over once the lease expires', async () => {
    const dyingClient = createRedisClient({ url: server.url, commandTimeoutMs: COMMAND_TIMEOUT_MS, connectTimeoutMs: 300 });
    await dyingClient.connect();
    const dying = new ClusterLease(dyingClient, { prefix: PREFIX, leaseMs: 300 });
    const survivor = await lease({ waitMs: 5_000 });
    held(await dying.acquire('orphan'));
    dyingClient.disconnect(); // the process is gone: no renewal, no release
    expect((await survivor.acquire('orphan')).outcome).toBe('busy');
    expect(await survivor.waitForRelease('orphan')).toBe('released');
    const taken = held(await survivor.acquire('orphan'));
    expect(await taken.release()).toBe(true);
  });

  it('a SET NX that timed out while Redis was frozen leaves no lease behind once Redis answers again', async () => {
    // ioredis's commandTimeout rejects the SET, but the command stays on the connection and Redis
    // runs it on thaw: without a release behind it, the key would be held for leaseMs by nobody.
    const instance = await lease({ leaseMs: 60_000 });
    const other = await lease();
    await server.freeze();
    let outcome: LeaseAttempt['outcome'];
    try {
      outcome = (await instance.acquire('frozen')).outcome;
    } finally {
      server.thaw();
    }
    expect(outcome).toBe('unavailable');
    // Well within the 60 s lease: another instance can take it at once.
    expect(await eventually(async () => (await spy.exists(instance.keyOf('frozen'))) === 0, 3_000, 20)).toBe(true);
    expect(await held(await other.acquire('frozen')).release()).toBe(true);
  }, 15_000);

  it('a release that timed out while Redis was frozen, on a server that does not know the script yet, frees the lease on thaw', async () => {
    // EVALSHA's NOSCRIPT comes only on thaw, after the caller gave up: the EVAL fallback must not depend on it.
    const fresh = await RedisServer.start();
    const c = createRedisClient({ url: fresh.url, commandTimeoutMs: COMMAND_TIMEOUT_MS, connectTimeoutMs: 300 });
    const look = fresh.client();
    try {
      await c.connect();
      const instance = new ClusterLease(c, { prefix: PREFIX, leaseMs: 60_000, commandTimeoutMs: COMMAND_TIMEOUT_MS });
      const mine = held(await instance.acquire('released frozen'));
      await fresh.freeze();
      try {
        expect(await mine.release()).toBe(false);
      } finally {
        fresh.thaw();
      }
      expect(await eventually(async () => (await look.exists(instance.keyOf('released frozen'))) === 0, 3_000, 20)).toBe(true);
    } finally {
      look.disconnect();
      await closeRedisClient(c);
      await fresh.stop();
    }
  }, 15_000);

  it('gives up waiting after waitMs', async () => {
    const holder = await lease({ leaseMs: 5_000 });
    const waiter = await lease({ waitMs: 150 });
    const mine = held(await holder.acquire('slow-holder'));
    expect(await waiter.waitForRelease('slow-holder')).toBe('timed-out');
    await mine.release();
  });

  it('publishes the release so that waiters on other instances wake on it', async () => {
    const channel = `${PREFIX}__cc:lease-released`;
    const subscriber = (await client()).duplicate();
    clients.push(subscriber);
    await subscriber.connect();
    const wake = new RedisPubSubLeaseWake(subscriber, channel);
    await wake.start();
    const holder = new ClusterLease(await client(), { prefix: PREFIX, wake: new LeaseWaiters(channel) });
    const waiter = new ClusterLease(await client(), { prefix: PREFIX, wake });
    const heard: string[] = [];
    const listener = server.client();
    clients.push(listener);
    listener.on('message', (_channel: string, message: string) => heard.push(message));
    await listener.subscribe(channel);

    // Uncontended: nobody waits, so no message goes to every instance.
    await held(await holder.acquire('woken')).release();
    const mine = held(await holder.acquire('woken'));
    const waiting = waiter.waitForRelease('woken');
    expect(wake.size).toBe(1);
    // The waiter flags itself at its first look; only then does the release publish.
    expect(await eventually(async () => (await spy.exists(`${PREFIX}__cc:lease-waiters:{${PREFIX}woken}`)) === 1, 2_000)).toBe(true);
    await mine.release();
    expect(await waiting).toBe('released');
    // The waiter may see the release (woken on its own connection, or at a poll) before this listener's copy of
    // the message is read off its socket: wait for it rather than assume the order of two connections.
    expect(await eventually(() => heard.length > 0, 2_000)).toBe(true);
    expect(heard).toEqual([holder.keyOf('woken')]);
    expect(wake.size).toBe(0);
    wake.stop();
  });

  it('makes one factory call for 4 instances x 50 callers of a cold key', async () => {
    const instances = await Promise.all([1, 2, 3, 4].map(async () => ({ lease: await lease(), flights: new SingleFlight() })));
    let calls = 0;
    const factory = async () => {
      calls++;
      await sleep(100);
      return 'from the database';
    };
    const getOrSet = async ({ lease: l, flights }: (typeof instances)[number]) => {
      const cached = await spy.get(`${PREFIX}cold`);
      if (cached !== null) return cached;
      return flights.run('cold', () =>
        loadUnderLease(l, 'cold', {
          readLanded: async () => (await spy.get(`${PREFIX}cold`)) ?? undefined,
          loadAndStore: async () => {
            const value = await factory();
            await spy.set(`${PREFIX}cold`, value, 'PX', 60_000);
            return value;
          },
        }),
      );
    };
    const answers = await Promise.all(instances.flatMap((instance) => Array.from({ length: 50 }, () => getOrSet(instance))));
    expect(calls).toBe(1);
    expect(new Set(answers)).toEqual(new Set(['from the database']));
  });

  it('when the holder fails, another instance loads instead of every one', async () => {
    const [first, second, third] = await Promise.all([lease(), lease(), lease()]);
    let calls = 0;
    let stored: string | undefined;
    let holderLoading!: () => void;
    const firstHolds = new Promise<void>((resolve) => (holderLoading = resolve));
    const steps = (fails: boolean) => ({
      readLanded: async () => stored,
      loadAndStore: async () => {
        calls++;
        holderLoading();
        await sleep(50);
        if (fails) throw new Error('the database is down');
        return (stored = 'loaded');
      },
    });
    const results = await Promise.allSettled([
      loadUnderLease(first, 'fails-once', steps(true)),
      firstHolds.then(() => loadUnderLease(second, 'fails-once', steps(false))),
      firstHolds.then(() => loadUnderLease(third, 'fails-once', steps(false))),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(calls).toBe(2);
  });

  it('Redis dying while a lease is held: no throw, the caller loads alone', async () => {
    const holder = await lease({ leaseMs: 300 });
    const other = await lease();
    const mine = held(await holder.acquire('outage'));
    const waiting = other.waitForRelease('outage');
    await server.kill();
    await sleep(400); // renewals fail meanwhile: none may surface as an unhandled rejection
    expect(await waiting).toBe('unavailable');
    expect(await mine.release()).toBe(false);

    const started = Date.now();
    expect((await other.acquire('outage')).outcome).toBe('unavailable');
    expect(Date.now() - started).toBeLessThan(NEVER_HANGS_MS);
    let calls = 0;
    const value = await loadUnderLease(other, 'outage', {
      readLanded: async () => undefined,
      loadAndStore: async () => (calls++, 'loaded without Redis'),
    });
    expect(value).toBe('loaded without Redis');
    expect(calls).toBe(1);
    await server.restart();
    // ioredis leaves a 2 s timer behind when a client that lost its socket is disconnected: let them reconnect first.
    await eventually(() => clients.every((c) => c.status === 'ready'), 10_000, 50);
  });
});
