import { MAX_PATTERN_LENGTH } from '../util/keys';
import { INVALIDATION_MESSAGE_LIMITS } from './invalidation-message-limits';

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
/** A message as its sender composes it; the bus adds who sent it and when. */
export type Announcement = Omit<InvalidationMessage, 'instance' | 'sentAt'>;

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

const REASONS: ReadonlySet<string> = new Set<InvalidationReason>(['delete', 'set', 'tags', 'pattern', 'clear', 'reconnect', 'repair']);

/**
 * Parses a message from the bus channel, which anyone who reaches Redis can publish on: anything
 * but a message within INVALIDATION_MESSAGE_LIMITS is refused (undefined), the size before
 * JSON.parse. The result is a fresh object holding only the known fields (unknown ones, which a
 * newer version may add, are dropped, not passed on).
 */
export function parseInvalidationMessage(raw: unknown): InvalidationMessage | undefined {
  const limits = INVALIDATION_MESSAGE_LIMITS;
  if (typeof raw !== 'string' || raw.length > limits.maxMessageChars) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { instance, sentAt, keys, tags, patterns, clear, reason } = parsed as Record<string, unknown>;
  if (!isText(instance, limits.maxInstanceChars) || typeof sentAt !== 'number' || !Number.isFinite(sentAt)) return undefined;
  if (typeof reason !== 'string' || !REASONS.has(reason) || (clear !== undefined && typeof clear !== 'boolean')) return undefined;
  if (!isTextList(keys, limits.maxItemChars) || !isTextList(tags, limits.maxItemChars)) return undefined;
  if (!isTextList(patterns, MAX_PATTERN_LENGTH) || (patterns?.length ?? 0) > limits.maxPatterns) return undefined;
  if ((keys?.length ?? 0) + (tags?.length ?? 0) > limits.maxItems) return undefined;
  const message: InvalidationMessage = { instance, sentAt, reason: reason as InvalidationReason };
  if (keys !== undefined) message.keys = keys;
  if (tags !== undefined) message.tags = tags;
  if (patterns !== undefined) message.patterns = patterns;
  if (clear !== undefined) message.clear = clear;
  return message;
}

function isText(value: unknown, maxChars: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= maxChars;
}

function isTextList(value: unknown, maxChars: number): value is string[] | undefined {
  return value === undefined || (Array.isArray(value) && value.every((item) => isText(item, maxChars)));
}
