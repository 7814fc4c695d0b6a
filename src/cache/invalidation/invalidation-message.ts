/**
 * What one instance tells the others: which L1 copies to drop. Never values: a value may be large
 * or private, and the receiver reads the fresh one from Redis when it needs it.
 */
export interface InvalidationMessage {
  /** Sender's instance id; an instance ignores its own messages. */
  instance: string;
  /** Epoch ms at publish time, for delivery-lag measurements. */
  sentAt: number;
  keys?: string[];
  tags?: string[];
  patterns?: string[];
  /** Drop every L1 entry. */
  clear?: boolean;
  reason: InvalidationReason;
}

/** Why: an explicit call, an overwrite, the bus reconnecting (messages may be lost) or a replay after an outage. */
export type InvalidationReason = 'delete' | 'set' | 'tags' | 'pattern' | 'clear' | 'reconnect' | 'repair';

/** An invalidation as reported to `CacheService.onInvalidate` listeners. */
export interface InvalidationEvent {
  keys: readonly string[];
  tags: readonly string[];
  patterns: readonly string[];
  clear: boolean;
  /** `local`: this instance did it; `remote`: another instance did, and the bus told us. */
  origin: 'local' | 'remote';
  reason: InvalidationReason;
}

export function parseInvalidationMessage(raw: string): InvalidationMessage | undefined {
  try {
    const message = JSON.parse(raw) as InvalidationMessage;
    if (typeof message !== 'object' || message === null || typeof message.instance !== 'string') return undefined;
    const strings = (list: unknown) => list === undefined || (Array.isArray(list) && list.every((s) => typeof s === 'string'));
    if (!strings(message.keys) || !strings(message.tags) || !strings(message.patterns)) return undefined;
    return message;
  } catch {
    return undefined;
  }
}
