import { randomToken } from '../util/random-token';
import { withDeadline } from '../resilience/deadline';
import { leaseKeyOf, leaseWaitersKeyOf } from './lease-key';
import { LOOK_SCRIPT, RELEASE_SCRIPT, RENEW_SCRIPT, type LeaseScript } from './lease-scripts';
import type { LeaseWake } from './lease-wake';
import { pollDelayMs } from './poll-backoff';

/** The commands the lease sends; an ioredis `Redis` or `Cluster` client fits. */
export interface LeaseRedisClient {
  set(key: string, value: string, px: 'PX', ms: number, nx: 'NX'): Promise<'OK' | null>;
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  exists(key: string): Promise<number>;
}

export interface ClusterLeaseOptions {
  /** The cache's key prefix (e.g. `chat:`); lease keys live under it. */
  prefix: string;
  /** How long a lease lives without renewal: how long a dead holder can keep others waiting. */
  leaseMs?: number;
  /** How long a non-holder waits for the holder before it calls the factory itself. */
  waitMs?: number;
  /** Bound on each Redis call: past it the lease answers "unavailable" and the caller goes on alone. */
  commandTimeoutMs?: number;
  /** Wakes waiters when a lease is released; without one, waiters poll with backoff (5 -> 100 ms). */
  wake?: LeaseWake;
}

export const DEFAULT_LEASE_MS = 5_000;
export const DEFAULT_LEASE_WAIT_MS = 10_000;
export const DEFAULT_LEASE_COMMAND_TIMEOUT_MS = 250;

/** A lease this instance holds; renewed every `leaseMs / 3` until released. */
export interface HeldLease {
  readonly key: string;
  /** True once a renewal found the lease gone or taken over (it expired while Redis was unreachable). */
  readonly lost: boolean;
  /** Releases the lease if it is still ours; answers whether it was. Never rejects. */
  release(): Promise<boolean>;
}

export type LeaseAttempt = { outcome: 'acquired'; lease: HeldLease } | { outcome: 'busy' } | { outcome: 'unavailable' };

export type LeaseWait = 'released' | 'timed-out' | 'unavailable';

/**
 * One holder per key across every instance sharing a Redis: a key with a random token, set only if
 * absent, with an expiry (SET NX PX), released and renewed by scripts that check the token.
 * Redis down, slow or erroring never surfaces as an error: `acquire` and `waitForRelease` answer
 * "unavailable" within `commandTimeoutMs`, and the caller falls back to its process's single-flight.
 */
export class ClusterLease {
  readonly leaseMs: number;
  readonly waitMs: number;
  private readonly commandTimeoutMs: number;
  private readonly wake: LeaseWake | undefined;
  private readonly prefix: string;

  constructor(
    private readonly client: LeaseRedisClient,
    options: ClusterLeaseOptions,
  ) {
    this.prefix = options.prefix;
    this.leaseMs = positive(options.leaseMs ?? DEFAULT_LEASE_MS, 'leaseMs');
    this.waitMs = positive(options.waitMs ?? DEFAULT_LEASE_WAIT_MS, 'waitMs');
    this.commandTimeoutMs = positive(options.commandTimeoutMs ?? DEFAULT_LEASE_COMMAND_TIMEOUT_MS, 'commandTimeoutMs');
    this.wake = options.wake;
  }

  /** The Redis key of the lease on `key` (relative to the prefix, as every cache key). */
  keyOf(key: string): string {
    return leaseKeyOf(this.prefix, this.prefix + key);
  }

  async acquire(key: string): Promise<LeaseAttempt> {
    const leaseKey = this.keyOf(key);
    const waitersKey = this.waitersKeyOf(key);
    const token = randomToken(16);
    const reply = this.client.set(leaseKey, token, 'PX', this.leaseMs, 'NX');
    try {
      const answer = await withDeadline(reply, this.commandTimeoutMs);
      if (answer !== 'OK') return { outcome: 'busy' };
    } catch {
      // A SET that lands after we gave up would hold the key for leaseMs with nobody to release it.
      // Its reply may never come (ioredis's commandTimeout rejects it too) although Redis still runs
      // it, as a frozen server does on thaw: a release of the token sent now runs after it on the
      // same connection. The late OK, when it comes, releases too (for a client that reorders).
      this.releaseAbandoned(leaseKey, waitersKey, token);
      reply.then(
        (late) => void (late === 'OK' && this.releaseAbandoned(leaseKey, waitersKey, token)),
        () => undefined,
      );
      return { outcome: 'unavailable' };
    }
    return {
      outcome: 'acquired',
      lease: new RenewedLease(key, Math.max(1, Math.floor(this.leaseMs / 3)), {
        renew: () => this.renewToken(leaseKey, token),
        release: () => this.releaseToken(leaseKey, waitersKey, token),
      }),
    };
  }

  /**
   * Waits until the lease on `key` is free (`released`: look for the value, or acquire it), until
   * `waitMs` passes (`timed-out`) or until Redis fails to answer (`unavailable`). Looks at the lease
   * after pauses growing from ~5 ms to ~100 ms, cut short by the wake-up signal when there is one.
   */
  async waitForRelease(key: string, options: { waitMs?: number } = {}): Promise<LeaseWait> {
    const leaseKey = this.keyOf(key);
    const waitersKey = this.waitersKeyOf(key);
    const deadline = Date.now() + (options.waitMs ?? this.waitMs);
    const pause = new WakeablePause();
    const unsubscribe = this.wake?.subscribe(leaseKey, () => pause.wake());
    try {
      for (let attempt = 0; ; attempt++) {
        const left = deadline - Date.now();
        if (left <= 0) return 'timed-out';
        await pause.sleep(Math.min(pollDelayMs(attempt), left));
        let held: number;
        try {
          held = await withDeadline(this.isHeld(leaseKey, waitersKey), this.commandTimeoutMs);
        } catch {
          return 'unavailable';
        }
        if (held === 0) return 'released';
      }
    } finally {
      unsubscribe?.();
    }
  }

  private waitersKeyOf(key: string): string {
    return leaseWaitersKeyOf(this.prefix, this.prefix + key);
  }

  /** Whether the lease is held; with a release channel, flags that someone waits, so that the holder publishes. */
  private async isHeld(leaseKey: string, waitersKey: string): Promise<number> {
    if (!this.wake?.releaseChannel) return this.client.exists(leaseKey);
    return Number(await this.run(LOOK_SCRIPT, [leaseKey, waitersKey], [this.leaseMs]));
  }

  private async releaseToken(leaseKey: string, waitersKey: string, token: string): Promise<boolean> {
    const channel = this.wake?.releaseChannel ?? '';
    try {
      return (await withDeadline(this.run(RELEASE_SCRIPT, [leaseKey, waitersKey], [token, channel]), this.commandTimeoutMs)) === 1;
    } catch (error) {
      // Timed out: the EVALSHA may yet run, or answer NOSCRIPT when nobody is left to send the EVAL.
      this.releaseAbandoned(leaseKey, waitersKey, token);
      throw error;
    }
  }

  /**
   * The release of a SET we gave up on, fire and forget. EVAL, not EVALSHA: a NOSCRIPT reply would
   * come only once Redis answers again, too late for a caller that timed out to send the fallback.
   */
  private releaseAbandoned(leaseKey: string, waitersKey: string, token: string): void {
    const channel = this.wake?.releaseChannel ?? '';
    this.client.eval(RELEASE_SCRIPT.lua, 2, leaseKey, waitersKey, token, channel).catch(() => undefined);
  }

  private async renewToken(leaseKey: string, token: string): Promise<boolean> {
    return (await withDeadline(this.run(RENEW_SCRIPT, [leaseKey], [token, this.leaseMs]), this.commandTimeoutMs)) === 1;
  }

  /** EVALSHA, falling back to EVAL (which caches the script) the first time a server sees it. */
  private async run(script: LeaseScript, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await this.client.evalsha(script.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.client.eval(script.lua, keys.length, ...keys, ...args);
    }
  }
}

/** Keeps a held lease alive while its holder works; a timer that never keeps the process up. */
class RenewedLease implements HeldLease {
  lost = false;
  private released = false;
  private renewing = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly key: string,
    renewEveryMs: number,
    private readonly redis: { renew(): Promise<boolean>; release(): Promise<boolean> },
  ) {
    this.timer = setInterval(() => void this.renew(), renewEveryMs);
    this.timer.unref();
  }

  async release(): Promise<boolean> {
    if (this.released) return false;
    this.released = true;
    clearInterval(this.timer);
    if (this.lost) return false;
    try {
      return await this.redis.release();
    } catch {
      // Redis unreachable: the lease expires by itself within leaseMs.
      return false;
    }
  }

  private async renew(): Promise<void> {
    if (this.renewing || this.released) return;
    this.renewing = true;
    try {
      if (!(await this.redis.renew()) && !this.released) {
        this.lost = true;
        clearInterval(this.timer);
      }
    } catch {
      // Unreachable for now: try again at the next tick; if Redis stays away the lease expires.
    } finally {
      this.renewing = false;
    }
  }
}

/** A sleep that a wake-up ends early; a wake-up between two sleeps ends the next one at once. */
class WakeablePause {
  private end: (() => void) | undefined;
  private pending = false;

  sleep(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.finish(), ms);
      this.end = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  wake(): void {
    if (this.end) this.finish();
    else this.pending = true;
  }

  private finish(): void {
    const end = this.end;
    this.end = undefined;
    end?.();
  }
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`ClusterLease ${name} must be a positive number of ms (got ${value})`);
  return value;
}
