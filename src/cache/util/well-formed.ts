/** `String.prototype.isWellFormed` (Node 20+, ES2024), typed here since the project compiles against ES2022. */
interface WellFormedCheck {
  isWellFormed(): boolean;
}

/**
 * True when `text` holds no lone UTF-16 surrogate. Redis stores what ioredis sends as UTF-8, where
 * a lone surrogate has no encoding: it becomes U+FFFD, so such a string would not come back as it
 * went in (and two keys differing only there would name the same Redis key).
 */
export function isWellFormed(text: string): boolean {
  return (text as unknown as WellFormedCheck).isWellFormed();
}
