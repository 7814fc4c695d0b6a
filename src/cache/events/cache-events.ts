import { Logger } from '@nestjs/common';

export type CacheEventName = 'hit' | 'miss' | 'stale' | 'set' | 'delete' | 'invalidate' | 'factory-error' | 'timeout';

/** Which tier answered (`hit`, `stale`) or was written (`set`: `memory` for L1 alone, `redis` when L2 too). */
export type CacheEventTier = 'memory' | 'redis';

/**
 * What an event is about. `key` is relative to the module's prefix (a namespace's listener gets it
 * relative to the namespace); for `invalidate` it names what was invalidated: a tag (`reason`
 * `tags`), a pattern (`pattern`), `*` (`clear`), or a key another instance changed.
 */
export interface CacheEvent {
  key: string;
  tier?: CacheEventTier;
  /** The namespace the key lives in: the innermost one this instance opened (`CacheService.namespace(name)`). */
  namespace?: string;
  /** `invalidate` only: what kind of invalidation, and whether it came from another instance. */
  reason?: string;
  origin?: 'local' | 'remote';
}

export type CacheEventListener = (event: CacheEvent) => void;

/**
 * `CacheService.on(event, listener)`: who hears of hits, misses, writes, removals and factory trouble.
 * A listener that throws fails nothing else (counted in `errors`, logged). With no listener of an
 * event, emitting it costs one property read: hot paths check `listening[event]` before building
 * the payload (a listener of `stale` costs the hit path nothing).
 */
export class CacheEvents {
  private readonly logger = new Logger('ChatCache');
  private readonly listeners = new Map<CacheEventName, Set<CacheEventListener>>();
  private readonly namespaces = new Set<string>();
  /** Whether `event` has a listener. */
  readonly listening: Record<CacheEventName, boolean> = {
    hit: false,
    miss: false,
    stale: false,
    set: false,
    delete: false,
    invalidate: false,
    'factory-error': false,
    timeout: false,
  };
  /** Listeners that threw. */
  errors = 0;

  /** Returns the unsubscribe function. */
  on(event: CacheEventName, listener: CacheEventListener): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    this.listening[event] = true;
    return () => {
      set.delete(listener);
      if (set.size > 0 || this.listeners.get(event) !== set) return;
      this.listeners.delete(event);
      this.listening[event] = false;
    };
  }

  /** A namespace was opened: events of its keys carry its name. */
  addNamespace(name: string): void {
    this.namespaces.add(name);
  }

  /** Calls the listeners of `event`, if any; the payload's `namespace` is found from its key when not given. */
  emit(event: CacheEventName, payload: CacheEvent): void {
    const listeners = this.listeners.get(event);
    if (listeners === undefined) return;
    if (payload.namespace === undefined) {
      const namespace = this.namespaceOf(payload.key);
      if (namespace !== undefined) payload.namespace = namespace;
    }
    for (const listener of listeners) {
      try {
        listener(payload);
      } catch (error) {
        this.errors++;
        this.logger.error(`a cache "${event}" listener failed: ${(error as Error).message}`);
      }
    }
  }

  /** The innermost namespace opened whose keys start like `key`. */
  private namespaceOf(key: string): string | undefined {
    let found: string | undefined;
    for (const name of this.namespaces) {
      if (key.startsWith(name) && key.charCodeAt(name.length) === 58 /* ':' */ && (found === undefined || name.length > found.length)) {
        found = name;
      }
    }
    return found;
  }
}
