import type { InvalidationListeners } from '../invalidation/invalidation-listeners';
import type { InvalidationMessage } from '../invalidation/invalidation-message';
import { compileGlob } from '../util/glob';
import type { LocalTier } from '../tiers/local-tier';
import type { SharedTier } from '../tiers/shared-tier';
import type { InFlightLoads } from './in-flight-loads';

/**
 * Removals, local and remote, each as the same list: the loads in flight (so that they do not keep
 * what they load), L1, L2, the bus (the other instances), the listeners of this process.
 */
export class InvalidateStep {
  constructor(
    private readonly local: LocalTier,
    private readonly shared: SharedTier,
    private readonly flights: InFlightLoads,
    private readonly listeners: InvalidationListeners,
  ) {}

  /** Returns how many keys existed (in Redis when there is one). */
  async delete(keys: readonly string[]): Promise<number> {
    this.flights.invalidate(keys);
    let deleted = 0;
    for (const key of keys) if (this.local.delete(key)) deleted++;
    const change = await this.shared.delete(keys);
    await this.shared.announce(change);
    this.listeners.notify({ keys: [...keys], reason: 'delete' }, 'local');
    return change.value ?? deleted;
  }

  async invalidateTags(tags: readonly string[]): Promise<void> {
    this.local.invalidateTags(tags);
    await this.shared.announce(await this.shared.invalidateTags(tags));
    this.listeners.notify({ tags: [...tags], reason: 'tags' }, 'local');
  }

  async deletePattern(pattern: string): Promise<number> {
    const glob = compileGlob(pattern);
    this.flights.invalidate([], (key) => glob.matches(key));
    const deletedLocally = this.local.deletePattern(pattern);
    const change = await this.shared.deletePattern(pattern);
    await this.shared.announce(change);
    this.listeners.notify({ patterns: [pattern], reason: 'pattern' }, 'local');
    return change.value ?? deletedLocally;
  }

  async clear(): Promise<void> {
    this.flights.invalidate([], () => true);
    this.local.clear();
    await this.shared.announce(await this.shared.clear());
    this.listeners.notify({ clear: true, reason: 'clear' }, 'local');
  }

  /** A message of another instance: its change is already in L2, so L1 and the loads in flight follow it. */
  applyRemote(message: InvalidationMessage): void {
    if (message.clear) {
      this.dropLocalCopies(message.reason, 'remote');
      return;
    }
    if (message.keys?.length) {
      this.flights.invalidate(message.keys);
      for (const key of message.keys) this.local.delete(key);
    }
    if (message.tags?.length) this.local.invalidateTags(message.tags);
    for (const pattern of message.patterns ?? []) {
      const glob = compileGlob(pattern);
      this.flights.invalidate([], (key) => glob.matches(key));
      this.local.deletePattern(pattern);
    }
    this.listeners.notify(message, 'remote');
  }

  /** Drops all of L1, when messages may have been lost (the bus reconnected) or another instance cleared. */
  dropLocalCopies(reason: InvalidationMessage['reason'], origin: 'local' | 'remote' = 'local'): void {
    this.flights.invalidate([], () => true);
    this.local.clear();
    this.listeners.notify({ clear: true, reason }, origin);
  }
}
