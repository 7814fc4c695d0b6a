/**
 * What one bus message may hold. Anyone who reaches Redis can publish on the bus channel, and every
 * instance acts on what it reads there, so a message must not be able to cost an instance more than
 * a few milliseconds: receivers refuse anything outside these bounds, and publishers split their
 * announcements to stay inside them (or announce `clear`), so that no legitimate message is refused.
 */
export const INVALIDATION_MESSAGE_LIMITS = {
  /** Raw message length, checked before JSON.parse: 1 MiB parses in a few ms. */
  maxMessageChars: 1024 * 1024,
  /**
   * Keys and tags together. Each costs a hash lookup; 10,000 is the repair journal's own bound
   * (past it, the journal asks for a clear), and the admin API's 1,000 keys of 1,024 characters fit.
   */
  maxItems: 10_000,
  /** One key or tag: above Node's default 16 KiB header limit, so that keys built from URLs fit. */
  maxItemChars: 16 * 1024,
  /**
   * Each pattern scans all of L1 (about 5 ms over 10,000 keys of 200 bytes for the costliest one
   * within MAX_PATTERN_LENGTH), so a message carries at most one; every pattern within bounds.
   */
  maxPatterns: 1,
  /**
   * An announcement with more patterns than this (only a repair replaying its journal has more
   * than one) is announced as `clear`: dropping L1 costs receivers less than that many scans and
   * is always correct. Fewer go one to a message.
   */
  maxPatternsPerAnnouncement: 4,
  /** Instance ids are UUIDs or names an operator chose. */
  maxInstanceChars: 256,
} as const;
