import Redis from 'ioredis';
import { CacheContext, startCacheContext } from '../support/cache-context';
import { eventually, RedisServer } from '../support/redis-server';

const ROUNDS = 10;
/** Far beyond the bus's delivery time on loopback, far below the entries' TTL. */
const BUS_DELIVERY_MS = 1_000;

/**
 * A Redis that refuses writes (maxmemory reached, noeviction) still answers reads, deletes and
 * PUBLISH: an overwrite or a tag invalidation on one instance must still reach the others.
 */
describe('two hybrid instances while Redis refuses writes (maxmemory reached, noeviction)', () => {
  let server: RedisServer;
  let spy: Redis;
  let a: CacheContext;
  let b: CacheContext;

  beforeAll(async () => {
    server = await RedisServer.start({ extraArgs: ['--maxmemory-policy', 'noeviction'] });
    spy = server.client();
    const options = { keyPrefix: 'oom:', redis: { url: server.url } };
    a = await startCacheContext({ ...options, instanceId: 'A' });
    b = await startCacheContext({ ...options, instanceId: 'B' });
  });

  afterEach(async () => {
    await spy.config('SET', 'maxmemory', '0');
  });

  afterAll(async () => {
    await a.close();
    await b.close();
    spy.disconnect();
    await server.stop();
  });

  /** Waits until B has heard every message A sent so far (a late one would void B's read). */
  async function busSettled(): Promise<void> {
    const sent = a.cache.stats().bus!.sent;
    await eventually(() => b.cache.stats().bus!.received >= sent, BUS_DELIVERY_MS, 1);
  }

  /** Every write from now on is refused with OOM; reads, DEL and PUBLISH still work. */
  async function refuseWrites(): Promise<void> {
    await spy.config('SET', 'maxmemory', '1');
    await expect(spy.set('oom:probe', 'x')).rejects.toThrow(/OOM/);
  }

  /** Whether B still serves `stale` once it has heard every message A sent. */
  async function servedStaleOnB(key: string, stale: unknown): Promise<boolean> {
    await busSettled();
    return (await b.cache.get(key)) === stale;
  }

  it('an overwrite on A: B never keeps serving the old value, from L1 or L2; A keeps the new one', async () => {
    let stale = 0;
    let oldInL2 = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const key = `title:${round}`;
      await a.cache.set(key, 'old');
      await busSettled();
      expect(await b.cache.get(key)).toBe('old');
      expect(b.memory.has(key)).toBe(true);
      await refuseWrites();
      await a.cache.set(key, 'new');
      if (await servedStaleOnB(key, 'old')) stale++;
      if ((await spy.exists(`oom:${key}`)) === 1) oldInL2++; // DEL works under OOM: the stale copy must go
      expect(await a.cache.get(key)).toBe('new');
      await spy.config('SET', 'maxmemory', '0');
    }
    expect({ staleReadsOnB: stale, oldValueLeftInL2: oldInL2, of: ROUNDS }).toEqual({ staleReadsOnB: 0, oldValueLeftInL2: 0, of: ROUNDS });
  });

  it('a tag invalidation on A: B drops its tagged copy, and L2 does not serve it either', async () => {
    let stale = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const key = `session:${round}`;
      await a.cache.set(key, 'tagged', { tags: [`room:${round}`] });
      await busSettled();
      expect(await b.cache.get(key)).toBe('tagged');
      await refuseWrites();
      await a.cache.invalidateTags([`room:${round}`]);
      if (await servedStaleOnB(key, 'tagged')) stale++;
      b.memory.clear(); // as a fresh instance: only L2 can answer
      if ((await b.cache.get(key)) === 'tagged') stale++;
      await spy.config('SET', 'maxmemory', '0');
    }
    expect({ staleReadsOnB: stale, of: 2 * ROUNDS }).toEqual({ staleReadsOnB: 0, of: 2 * ROUNDS });
  });

  it('refused writes do not open the circuit: A still reads what Redis holds', async () => {
    await a.cache.set('kept', 'in redis');
    await refuseWrites();
    for (let i = 0; i < 10; i++) await a.cache.set(`refused:${i}`, i);
    a.memory.clear();
    expect(await a.cache.get('kept')).toBe('in redis');
    expect(a.cache.stats().redis!.circuit).toBe('closed');
  });

  it('what Redis could not do is journaled and replayed once it accepts writes again', async () => {
    await a.cache.set('ro', 'old');
    await busSettled();
    expect(await b.cache.get('ro')).toBe('old');
    // Refusing every write, DEL included (as an ACL or a read-only replica does): the removal of
    // the stale L2 copy waits in A's journal, and A does not read L2 meanwhile.
    await spy.acl('SETUSER', 'default', '-@write');
    try {
      await a.cache.set('ro', 'new');
      expect(await spy.get('oom:ro')).not.toBeNull();
      expect(a.cache.stats().redis!.repairsPending).toBe(true);
      expect(await a.cache.get('ro')).toBe('new');
    } finally {
      await spy.acl('SETUSER', 'default', '+@all');
    }
    expect(await eventually(() => !a.cache.stats().redis!.repairsPending, 5_000)).toBe(true);
    expect(await spy.get('oom:ro')).toBeNull();
    expect(await eventually(async () => (await b.cache.get('ro')) === undefined, BUS_DELIVERY_MS)).toBe(true);
  });
});
