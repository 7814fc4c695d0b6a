const DEFAULT_MAX_PENDING = 10_000;

export interface L2Repairs {
  keys: string[];
  tags: string[];
  patterns: string[];
  /** Too much was missed to list it: clear the whole prefix instead. */
  clearAll: boolean;
}

/**
 * What Redis missed while it could not be written: keys whose L2 copy may now be older than the
 * truth, tags that were not bumped, patterns that were not deleted. Until they are replayed, L2
 * may serve stale values, so the cache does not read from it; once Redis answers again the
 * repairs are applied and announced on the bus. Past `maxPending` items it gives up listing and
 * asks for a prefix-wide clear, which is always correct.
 */
export class L2RepairJournal {
  private keys = new Set<string>();
  private tags = new Set<string>();
  private patterns = new Set<string>();
  private clearAll = false;

  constructor(private readonly maxPending = DEFAULT_MAX_PENDING) {}

  get pending(): boolean {
    return this.clearAll || this.keys.size > 0 || this.tags.size > 0 || this.patterns.size > 0;
  }

  record(repairs: Partial<L2Repairs>): void {
    if (repairs.clearAll) this.clearAll = true;
    if (this.clearAll) return this.forgetLists();
    repairs.keys?.forEach((key) => this.keys.add(key));
    repairs.tags?.forEach((tag) => this.tags.add(tag));
    repairs.patterns?.forEach((pattern) => this.patterns.add(pattern));
    if (this.keys.size + this.tags.size + this.patterns.size > this.maxPending) {
      this.clearAll = true;
      this.forgetLists();
    }
  }

  /** Hands the pending repairs over and forgets them; `record` them again if applying fails. */
  take(): L2Repairs {
    const repairs = { keys: [...this.keys], tags: [...this.tags], patterns: [...this.patterns], clearAll: this.clearAll };
    this.clearAll = false;
    this.forgetLists();
    return repairs;
  }

  private forgetLists(): void {
    this.keys.clear();
    this.tags.clear();
    this.patterns.clear();
  }
}
