/** A write of one key whose SET is not sent yet. */
export interface UnsentWrite {
  readonly key: string;
  /** A later write, delete or clear of the key was called meanwhile: this value must not land. */
  superseded: boolean;
}

interface Removal {
  matches(key: string): boolean;
  done: Promise<unknown>;
}

/**
 * Keeps Redis in call order per key. L1 is changed synchronously, in call order; a Redis command
 * sent at once keeps that order on the connection. Two kinds of write cannot send their SET at
 * once, and this is what keeps them in order:
 * - a tagged write first takes a tag snapshot: if a later write, delete or clear of its key is
 *   called meanwhile, its SET is dropped (the later call decides the key's fate, in both tiers);
 * - a write called while a clear or pattern delete is still scanning waits for it, since SCAN may
 *   or may not see a key written during it.
 */
export class WriteOrder {
  private readonly unsent = new Map<string, Set<UnsentWrite>>();
  private readonly removals = new Set<Removal>();

  /** A write of `key` begins: earlier unsent writes of the key are superseded by it. */
  begin(key: string): UnsentWrite {
    this.supersede([key]);
    const write: UnsentWrite = { key, superseded: false };
    let writes = this.unsent.get(key);
    if (writes === undefined) this.unsent.set(key, (writes = new Set()));
    writes.add(write);
    return write;
  }

  /** The write was sent (or given up): nothing can supersede it any more. */
  end(write: UnsentWrite): void {
    const writes = this.unsent.get(write.key);
    writes?.delete(write);
    if (writes?.size === 0) this.unsent.delete(write.key);
  }

  supersede(keys: readonly string[]): void {
    for (const key of keys) this.unsent.get(key)?.forEach((write) => (write.superseded = true));
  }

  supersedeMatching(matches: (key: string) => boolean): void {
    for (const [key, writes] of this.unsent) if (matches(key)) writes.forEach((write) => (write.superseded = true));
  }

  /** Registers a removal of the keys `matches` selects, in progress until `done` settles; returns `done`. */
  removing<T>(matches: (key: string) => boolean, done: Promise<T>): Promise<T> {
    const removal: Removal = { matches, done };
    this.removals.add(removal);
    const forget = () => this.removals.delete(removal);
    done.then(forget, forget);
    return done;
  }

  /** Settles once every removal in progress that matches `key` is done; undefined when there is none. */
  removalsOf(key: string): Promise<unknown> | undefined {
    if (this.removals.size === 0) return undefined;
    const pending = [...this.removals].filter((removal) => removal.matches(key)).map((removal) => removal.done);
    return pending.length === 0 ? undefined : Promise.allSettled(pending);
  }
}
