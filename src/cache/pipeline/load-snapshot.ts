import type { LocalTier } from '../tiers/local-tier';
import type { SharedTier } from '../tiers/shared-tier';
import type { EntryLifetime } from '../util/entry-lifetime';

/**
 * What the tiers' tags looked like when a load began: the L1 tag stamp and the L2 tag versions.
 * A value stored with it is stale in each tier if one of its tags was invalidated since, so an
 * invalidation that lands while the factory runs is never lost.
 */
export interface LoadSnapshot {
  readonly stamp: number | undefined;
  /** Undefined: none taken (no tags, no Redis, or Redis could not say); the write then takes its own. */
  readonly tagVersions: readonly string[] | undefined;
}

/** Takes load snapshots from both tiers. */
export class LoadSnapshots {
  constructor(
    private readonly local: LocalTier,
    private readonly shared: SharedTier,
  ) {}

  /** The L1 half only, for a write or a read that stores what it finds as it is. */
  now(): LoadSnapshot {
    return { stamp: this.local.tagStamp(), tagVersions: undefined };
  }

  /** Both halves, for a load of `tags` whose value will live `lifetime` (its grace included). */
  async take(tags: readonly string[], lifetime: number | EntryLifetime): Promise<LoadSnapshot> {
    const stamp = this.local.tagStamp();
    return { stamp, tagVersions: await this.shared.snapshotTags(tags, lifetime) };
  }

  /** `take` for a batch of loads (getOrSetMany), one snapshot per entry of `tagsOfEach`, each distinct tag read once. */
  async takeMany(tagsOfEach: readonly (readonly string[])[], ttlMs: number): Promise<LoadSnapshot[]> {
    const stamp = this.local.tagStamp();
    const tags = [...new Set(tagsOfEach.flat())];
    const versions = tags.length === 0 ? undefined : await this.shared.snapshotTags(tags, ttlMs);
    const versionOf = new Map(versions?.map((version, i) => [tags[i], version]));
    return tagsOfEach.map((own) => ({
      stamp,
      tagVersions: versions === undefined || own.length === 0 ? undefined : own.map((tag) => versionOf.get(tag)!),
    }));
  }
}
