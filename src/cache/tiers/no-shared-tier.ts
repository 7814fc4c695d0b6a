import type { LeasedLoadSteps } from '../locks/load-under-lease';
import type { SharedChange, SharedTier } from './shared-tier';

const NOTHING_CHANGED: SharedChange<never> = { value: undefined, announcement: undefined };

/** The shared tier of a cache without Redis: nothing to read, nothing to change, nobody to tell. */
export class NoSharedTier implements SharedTier {
  readonly readable = false;

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  async read(): Promise<undefined> {
    return undefined;
  }

  async readMany(keys: readonly string[]): Promise<undefined[]> {
    return keys.map(() => undefined);
  }

  async snapshotTags(): Promise<undefined> {
    return undefined;
  }

  async write(): Promise<SharedChange<boolean>> {
    return NOTHING_CHANGED;
  }

  async fillInBackground(): Promise<void> {}

  /** No other instance to share the load with. */
  loadUnderLease<T>(_key: string, steps: LeasedLoadSteps<T>): Promise<T> {
    return steps.loadAndStore();
  }

  async runIfLeaseFree(_key: string, work: () => Promise<void>): Promise<boolean> {
    await work();
    return true;
  }

  async delete(): Promise<SharedChange<number>> {
    return NOTHING_CHANGED;
  }

  async invalidateTags(): Promise<SharedChange<void>> {
    return NOTHING_CHANGED;
  }

  async deletePattern(): Promise<SharedChange<number>> {
    return NOTHING_CHANGED;
  }

  async clear(): Promise<SharedChange<number>> {
    return NOTHING_CHANGED;
  }

  async announce(): Promise<void> {}

  stats(): null {
    return null;
  }
}
