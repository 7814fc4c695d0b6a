import type { LocalTier } from './local-tier';

/** The local tier of the `redis` driver: it keeps nothing, so every write goes on to L2. */
export class NoLocalTier implements LocalTier {
  get(): undefined {
    return undefined;
  }

  getEntry(): undefined {
    return undefined;
  }

  nowMs(): number {
    return Date.now();
  }

  tagStamp(): undefined {
    return undefined;
  }

  set(): boolean {
    return true;
  }

  fill(): void {}

  delete(): boolean {
    return false;
  }

  deletePattern(): number {
    return 0;
  }

  invalidateTags(): void {}

  clear(): void {}

  stats(): null {
    return null;
  }
}
