import { MAX_PATTERN_LENGTH } from '../util/keys';
import { InvalidationMessage } from './invalidation-message';
import { INVALIDATION_MESSAGE_LIMITS } from './invalidation-message-limits';

/**
 * The bus messages that carry `message` within INVALIDATION_MESSAGE_LIMITS, so that receivers
 * never refuse a legitimate announcement: usually the message itself; its keys and tags spread over
 * several messages when there are too many (a large delete, a repair replaying a long journal),
 * and patterns one to a message; a single `clear` when it cannot be said within bounds (more
 * patterns than maxPatternsPerAnnouncement, a key too long), since
 * dropping every L1 copy is always correct.
 */
export function encodeInvalidationMessages(message: InvalidationMessage): string[] {
  const whole = JSON.stringify(message);
  if (message.clear) return [whole];
  const { keys = [], tags = [], patterns = [] } = message;
  const limits = INVALIDATION_MESSAGE_LIMITS;
  const itemsFit = [...keys, ...tags].every((item) => item.length > 0 && item.length <= limits.maxItemChars);
  const patternsFit =
    patterns.length <= limits.maxPatternsPerAnnouncement && patterns.every((p) => p.length > 0 && p.length <= MAX_PATTERN_LENGTH);
  if (!itemsFit || !patternsFit) return [clearInstead(message)];
  if (patterns.length <= limits.maxPatterns && keys.length + tags.length <= limits.maxItems && whole.length <= limits.maxMessageChars) {
    return [whole];
  }
  return split(message, keys, tags, patterns);
}

function split(message: InvalidationMessage, keys: string[], tags: string[], patterns: string[]): string[] {
  const { maxItems, maxMessageChars } = INVALIDATION_MESSAGE_LIMITS;
  const envelope = { instance: message.instance, sentAt: message.sentAt, reason: message.reason };
  const parts: string[] = [];
  // Patterns one to a message, the first with the first keys and tags.
  const [firstPattern, ...otherPatterns] = patterns;
  let part = { keys: [] as string[], tags: [] as string[], patterns: firstPattern === undefined ? [] : [firstPattern] };
  let chars = JSON.stringify({ ...envelope, ...part }).length;
  let items = 0;
  const flush = () => {
    parts.push(JSON.stringify({ ...envelope, ...part }));
    part = { keys: [], tags: [], patterns: [] };
    chars = JSON.stringify({ ...envelope, ...part }).length;
    items = 0;
  };
  const add = (list: 'keys' | 'tags', item: string) => {
    const cost = JSON.stringify(item).length + 1;
    if (items + 1 > maxItems || chars + cost > maxMessageChars) flush();
    part[list].push(item);
    chars += cost;
    items++;
  };
  keys.forEach((key) => add('keys', key));
  tags.forEach((tag) => add('tags', tag));
  if (items > 0 || part.patterns.length > 0) flush();
  for (const pattern of otherPatterns) parts.push(JSON.stringify({ ...envelope, keys: [], tags: [], patterns: [pattern] }));
  // Defensive: a part that still does not fit (it cannot, by the sums above) becomes a clear.
  return parts.every((raw) => raw.length <= maxMessageChars) ? parts : [clearInstead(message)];
}

function clearInstead(message: InvalidationMessage): string {
  return JSON.stringify({ instance: message.instance, sentAt: message.sentAt, clear: true, reason: message.reason });
}
