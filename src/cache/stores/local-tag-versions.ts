/** Tags remembered before the memory tier forgets them all and starts afresh (see `invalidate`). */
const DEFAULT_MAX_REMEMBERED_TAGS = 100_000;

/**
 * Tag invalidation for one process in O(number of tags), whatever the number of tagged entries.
 *
 * A global sequence number ticks on every invalidation; each tag remembers the tick of its last
 * invalidation, and each entry the tick it was stamped with when its load began. An entry is stale
 * when one of its tags was invalidated after that stamp, so an invalidation that lands while a
 * value is still being loaded also makes that value stale.
 */
export class LocalTagVersions {
  private tick = 0;
  /** Stamps older than this predate a reset and are stale whatever their tags. */
  private floor = 0;
  private readonly invalidatedAt = new Map<string, number>();

  constructor(private readonly maxRememberedTags = DEFAULT_MAX_REMEMBERED_TAGS) {}

  /** The stamp to give an entry whose load starts now. */
  stamp(): number {
    return this.tick;
  }

  /**
   * Returns false when too many tags are remembered: the caller must then drop every tagged
   * entry, since the history was forgotten (every older stamp turns stale).
   */
  invalidate(tags: readonly string[]): boolean {
    this.tick++;
    for (const tag of tags) this.invalidatedAt.set(tag, this.tick);
    if (this.invalidatedAt.size > this.maxRememberedTags) {
      this.reset();
      return false;
    }
    return true;
  }

  isStale(tags: readonly string[], stamp: number): boolean {
    if (stamp < this.floor) return true;
    for (let i = 0; i < tags.length; i++) {
      const at = this.invalidatedAt.get(tags[i]);
      if (at !== undefined && at > stamp) return true;
    }
    return false;
  }

  /** Forgets every tag; stamps taken before now become stale. */
  reset(): void {
    this.tick++;
    this.floor = this.tick;
    this.invalidatedAt.clear();
  }
}
