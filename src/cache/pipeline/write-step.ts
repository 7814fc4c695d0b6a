import type { LocalTier } from '../tiers/local-tier';
import type { SharedTier } from '../tiers/shared-tier';
import type { EntryLifetime } from '../util/entry-lifetime';
import type { LoadSnapshot } from './load-snapshot';

/**
 * Writes a value to every tier: L1 and L2 in the same tick, L1 first, so that a delete or clear
 * called before the write settles finds the value in L1 and reaches Redis after it (see
 * WriteOrder); then the bus. A value L1 refuses as oversized goes to neither tier. A lifetime with
 * grace keeps the value in both tiers past its TTL, as the fail-safe's fallback.
 */
export class WriteStep {
  constructor(
    private readonly local: LocalTier,
    private readonly shared: SharedTier,
  ) {}

  /** A write the other instances must hear of (set, refresh): they drop their copies. */
  async write(
    key: string,
    value: unknown,
    lifetime: number | EntryLifetime,
    tags: readonly string[],
    snapshot: LoadSnapshot,
  ): Promise<void> {
    if (!this.local.set(key, value, lifetime, tags, snapshot.stamp)) {
      // Oversized: Redis drops the key's older value instead, and the others their copies.
      await this.shared.announce(await this.shared.delete([key]));
      return;
    }
    const stored = await this.shared.write(key, value, lifetime, tags, snapshot.tagVersions);
    await this.shared.announce(stored);
    if (stored.value === false) this.local.delete(key); // Redis refused it as oversized: neither tier keeps it
  }

  /**
   * A freshly loaded value: the caller has it, nobody else needs to hear of a fill, so L2 is written
   * in the background. Settles (never rejects) once the L2 write is over, for a lease holder.
   */
  fill(key: string, value: unknown, lifetime: number | EntryLifetime, tags: readonly string[], snapshot: LoadSnapshot): Promise<void> {
    if (!this.local.set(key, value, lifetime, tags, snapshot.stamp)) return Promise.resolve();
    return this.shared.fillInBackground(key, value, lifetime, tags, snapshot.tagVersions, () => this.local.delete(key));
  }
}
