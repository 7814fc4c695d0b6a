import { ClusterLease, HeldLease, LeaseRedisClient } from './cluster-lease';
import { LOOK_SCRIPT, RELEASE_SCRIPT, RENEW_SCRIPT } from './lease-scripts';
import { LeaseWaiters } from './lease-wake';
import { MAX_POLL_MS, pollDelayMs } from './poll-backoff';

/**
 * A scripted stand-in for Redis, for what needs a manual clock (renewal cadence, poll backoff) or
 * a fault a real server does not produce on demand (a reply that never comes, then comes late).
 * What Redis itself does with the lease is in test/cache/cluster-lease.e2e-spec.ts.
 */
class ScriptedRedis implements LeaseRedisClient {
  held = true;
  renewals = 0;
  renewAnswer = 1;
  looks = 0;
  evals: string[] = [];
  setReply: () => Promise<'OK' | null> = async () => 'OK';

  set(): Promise<'OK' | null> {
    return this.setReply();
  }

  /** Redis does not know the scripts yet: the lease must fall back to EVAL. */
  async evalsha(): Promise<unknown> {
    throw new Error('NOSCRIPT No matching script. Please use EVAL.');
  }

  async eval(lua: string): Promise<unknown> {
    if (lua === RENEW_SCRIPT.lua) {
      this.evals.push('renew');
      this.renewals++;
      return this.renewAnswer;
    }
    if (lua === LOOK_SCRIPT.lua) return this.exists();
    if (lua === RELEASE_SCRIPT.lua) this.evals.push('release');
    return 1;
  }

  async exists(): Promise<number> {
    this.looks++;
    return this.held ? 1 : 0;
  }
}

function held(attempt: Awaited<ReturnType<ClusterLease['acquire']>>): HeldLease {
  if (attempt.outcome !== 'acquired') throw new Error(`expected the lease, got ${attempt.outcome}`);
  return attempt.lease;
}

describe('ClusterLease (manual clock)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('renews every leaseMs / 3 while held, and stops once released', async () => {
    const redis = new ScriptedRedis();
    const lease = held(await new ClusterLease(redis, { prefix: 'p:', leaseMs: 300 }).acquire('k'));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(redis.renewals).toBe(10);
    expect(await lease.release()).toBe(true);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(redis.renewals).toBe(10);
  });

  it('marks the lease lost when a renewal finds it taken over, and then neither renews nor releases it', async () => {
    const redis = new ScriptedRedis();
    const lease = held(await new ClusterLease(redis, { prefix: 'p:', leaseMs: 300 }).acquire('k'));
    redis.renewAnswer = 0;
    await jest.advanceTimersByTimeAsync(100);
    expect(lease.lost).toBe(true);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(redis.renewals).toBe(1);
    expect(await lease.release()).toBe(false);
    expect(redis.evals).not.toContain('release');
  });

  it('waits with backoff from ~5 ms to ~100 ms, never in a tight loop, and gives up after waitMs', async () => {
    const redis = new ScriptedRedis();
    const waiting = new ClusterLease(redis, { prefix: 'p:', waitMs: 2_000 }).waitForRelease('k');
    await jest.advanceTimersByTimeAsync(2_000);
    expect(await waiting).toBe('timed-out');
    // 5, 10, 20, 40, 80 ms (jittered), then one look per ~100 ms: ~20-30 looks in 2 s.
    expect(redis.looks).toBeGreaterThanOrEqual(18);
    expect(redis.looks).toBeLessThanOrEqual(32);
  });

  it('looks at the lease as soon as the wake-up signal says it was released', async () => {
    const redis = new ScriptedRedis();
    const wake = new LeaseWaiters();
    const lease = new ClusterLease(redis, { prefix: 'p:', wake });
    const waiting = lease.waitForRelease('k');
    await jest.advanceTimersByTimeAsync(500); // now polling every ~100 ms
    const looks = redis.looks;
    redis.held = false;
    wake.wake(lease.keyOf('k'));
    await jest.advanceTimersByTimeAsync(0);
    expect(await waiting).toBe('released');
    expect(redis.looks).toBe(looks + 1);
    expect(wake.size).toBe(0);
  });

  it('ignores wake-ups for other keys and ones that are not strings (bus or pub/sub input)', async () => {
    const redis = new ScriptedRedis();
    const wake = new LeaseWaiters();
    const waiting = new ClusterLease(redis, { prefix: 'p:', wake, waitMs: 300 }).waitForRelease('k');
    wake.wake('p:__cc:lease:{p:other}');
    wake.wake(42);
    wake.wake({ toString: () => 'p:__cc:lease:{p:k}' });
    await jest.advanceTimersByTimeAsync(300);
    expect(await waiting).toBe('timed-out');
  });

  it('answers "unavailable" after commandTimeoutMs when Redis does not answer, and releases the SET it gave up on, now and when it lands late', async () => {
    const redis = new ScriptedRedis();
    let answer!: (reply: 'OK') => void;
    redis.setReply = () => new Promise((resolve) => (answer = resolve));
    const attempt = new ClusterLease(redis, { prefix: 'p:', commandTimeoutMs: 250 }).acquire('k');
    await jest.advanceTimersByTimeAsync(250);
    expect((await attempt).outcome).toBe('unavailable');
    // At once, behind the SET on the connection: its reply may never come although Redis runs it.
    expect(redis.evals).toEqual(['release']);
    answer('OK');
    await jest.advanceTimersByTimeAsync(0);
    expect(redis.evals).toEqual(['release', 'release']);
  });

  it('rejects a lease, wait or timeout that is not a positive number of ms', () => {
    const redis = new ScriptedRedis();
    expect(() => new ClusterLease(redis, { prefix: 'p:', leaseMs: 0 })).toThrow(/leaseMs/);
    expect(() => new ClusterLease(redis, { prefix: 'p:', waitMs: NaN })).toThrow(/waitMs/);
    expect(() => new ClusterLease(redis, { prefix: 'p:', commandTimeoutMs: -1 })).toThrow(/commandTimeoutMs/);
  });
});

describe('pollDelayMs', () => {
  it('doubles from ~5 ms and never exceeds ~100 ms', () => {
    const middle = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 6, 50].map((attempt) => pollDelayMs(attempt, middle))).toEqual([5, 10, 20, 40, 80, 100, 100, 100]);
    expect(pollDelayMs(0, () => 0)).toBeGreaterThanOrEqual(3);
    expect(pollDelayMs(99, () => 0.999)).toBeLessThanOrEqual(MAX_POLL_MS * 1.25);
  });
});
