/**
 * How a waiter learns that the lease it waits on may be free, sooner than its next poll.
 *
 * A wake-up is a hint, never trusted as a fact: the waiter looks at the lease again when woken, and
 * keeps polling with backoff meanwhile, so a lost, late or forged message costs at most one poll
 * interval, never a wrong answer. Two implementations fit:
 * - `RedisPubSubLeaseWake`: the release script PUBLISHes the lease key on `releaseChannel`, in the
 *   same round trip as the DEL;
 * - the invalidation bus: when an instance's "value landed for key K" message arrives, call the
 *   wake of K's lease (no `releaseChannel` then: the bus message is the signal).
 */
export interface LeaseWake {
  /** When set, the release script publishes the released lease key on this channel. */
  readonly releaseChannel?: string;
  /** Calls `onWake` when the lease `leaseKey` may have been released; answers the unsubscribe function. */
  subscribe(leaseKey: string, onWake: () => void): () => void;
}

/** Waiters by lease key, woken by whoever learns of a release (a pub/sub message, a bus message). */
export class LeaseWaiters implements LeaseWake {
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(readonly releaseChannel?: string) {}

  subscribe(leaseKey: string, onWake: () => void): () => void {
    let set = this.waiters.get(leaseKey);
    if (!set) this.waiters.set(leaseKey, (set = new Set()));
    set.add(onWake);
    return () => {
      set.delete(onWake);
      if (set.size === 0 && this.waiters.get(leaseKey) === set) this.waiters.delete(leaseKey);
    };
  }

  /** Wakes the waiters of `leaseKey`, if any. `leaseKey` may come from the network: it is only looked up. */
  wake(leaseKey: unknown): void {
    if (typeof leaseKey !== 'string') return;
    const set = this.waiters.get(leaseKey);
    if (set) for (const onWake of [...set]) onWake();
  }

  get size(): number {
    return this.waiters.size;
  }
}

/** The part of an ioredis subscriber connection the pub/sub wake uses (`Redis` and `Cluster` fit). */
export interface LeaseSubscriber {
  subscribe(channel: string): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  off(event: 'message', listener: (channel: string, message: string) => void): unknown;
}

/**
 * Wake-ups over Redis pub/sub: one subscription per instance (made once, not per wait), messages
 * dispatched to local waiters by lease key. The subscriber is a connection of its own (a subscribed
 * connection can send nothing else), owned by the caller, who closes it.
 */
export class RedisPubSubLeaseWake extends LeaseWaiters {
  private readonly onMessage = (channel: string, message: string) => {
    if (channel === this.releaseChannel) this.wake(message);
  };

  constructor(
    private readonly subscriber: LeaseSubscriber,
    releaseChannel: string,
  ) {
    super(releaseChannel);
  }

  /** Subscribes; rejects if Redis cannot be reached (the lease then works by polling alone). */
  async start(): Promise<void> {
    this.subscriber.on('message', this.onMessage);
    await this.subscriber.subscribe(this.releaseChannel!);
  }

  stop(): void {
    this.subscriber.off('message', this.onMessage);
  }
}
