/**
 * Glob patterns with Redis `MATCH` semantics (`*`, `?`, `[abc]`, `[^a]`, `[a-z]`, `\x`), so that a
 * pattern selects the same keys in the memory tier as in Redis.
 *
 * Redis matches bytes, not characters: a key is compared as the UTF-8 that ioredis sends (a lone
 * surrogate becomes U+FFFD, as in Buffer.from), so `?` matches one byte and `??` matches "é".
 *
 * Redis's stringmatchlen matches an empty key only with an empty pattern; cache keys are never
 * empty, so here `*` simply matches any run of bytes, none included.
 *
 * Matching never backtracks: each run of tokens between stars is placed once, at its leftmost
 * place, found by bit-parallel shift-and, so a key costs O(key bytes x pattern length / 32) at
 * worst, whatever the pattern. A RegExp built from `*` backtracks exponentially on patterns such
 * as `*?*?*?*?*!`, and even the classic two-pointer wildcard algorithm costs O(bytes x pattern).
 */
export interface GlobMatcher {
  /** Whether `key` is selected by the pattern, as `SCAN ... MATCH pattern` would select it. */
  matches(key: string): boolean;
}

/** Compiles `pattern` once; use the matcher for every key. */
export function compileGlob(pattern: string): GlobMatcher {
  return new CompiledGlob(parseGlob(utf8.encode(pattern)));
}

/** Makes every character of `text` literal in a Redis `MATCH` pattern. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** Token codes: 0..255 a literal byte, STAR any run of bytes, ANY one byte, CLASS + i the i-th class. */
const STAR = -1;
const ANY = -2;
const CLASS = 256;

interface ParsedGlob {
  tokens: Int32Array;
  /** One table per class: 1 for each byte the class matches (negation already applied). */
  classes: Uint8Array[];
}

const utf8 = new TextEncoder();
const BACKSLASH = 0x5c;
const CARET = 0x5e;
const CLOSE = 0x5d;
const DASH = 0x2d;

/** Reads the pattern exactly as Redis's stringmatchlen does (util.c). */
function parseGlob(p: Uint8Array): ParsedGlob {
  const tokens: number[] = [];
  const classes: Uint8Array[] = [];
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === 0x2a /* * */) {
      if (tokens[tokens.length - 1] !== STAR) tokens.push(STAR); // `**` is `*`
    } else if (c === 0x3f /* ? */) {
      tokens.push(ANY);
    } else if (c === 0x5b /* [ */) {
      // A class runs to the first unescaped `]`, or to the end of the pattern when there is none;
      // inside it `\x` is a literal x and `a-z` a range, either order.
      let j = i + 1;
      const negated = p[j] === CARET;
      if (negated) j++;
      const table = new Uint8Array(256);
      for (; j < p.length && p[j] !== CLOSE; j++) {
        if (p[j] === BACKSLASH && j + 1 < p.length) {
          table[p[++j]] = 1;
        } else if (j + 2 < p.length && p[j + 1] === DASH) {
          addRange(table, p[j], p[j + 2]);
          j += 2;
        } else {
          table[p[j]] = 1;
        }
      }
      if (negated) for (let b = 0; b < 256; b++) table[b] ^= 1;
      tokens.push(CLASS + classes.length);
      classes.push(table);
      i = j;
    } else if (c === BACKSLASH && i + 1 < p.length) {
      tokens.push(p[++i]); // a trailing backslash is a literal backslash
    } else {
      tokens.push(c);
    }
  }
  return { tokens: Int32Array.from(tokens), classes };
}

/**
 * Redis compares range bounds as C `char`s, signed on x86-64 (the servers this runs against): a
 * byte >= 0x80 sorts below ASCII. This only matters for a range with one ASCII and one non-ASCII
 * bound, and is what the redis-server comparison test checks.
 */
function addRange(table: Uint8Array, from: number, to: number): void {
  let low = signed(from);
  let high = signed(to);
  if (low > high) [low, high] = [high, low];
  for (let v = low; v <= high; v++) table[v & 0xff] = 1;
}

function signed(byte: number): number {
  return byte >= 0x80 ? byte - 0x100 : byte;
}

/**
 * A run of one-byte tokens between two stars, with its shift-and masks: bit j of word w of
 * masks[byte * words + w] is set when token 32w + j matches that byte.
 */
interface Segment {
  tokens: Int32Array;
  words: number;
  masks: Int32Array;
}

class CompiledGlob implements GlobMatcher {
  /** Reused for every key: matching allocates nothing but a larger buffer for a longer key. */
  private static buffer = new Uint8Array(1024);
  private static state = new Int32Array(32);
  /** `prefix *middle[0]* ... *middle[k]* suffix`, or only `prefix` when the pattern has no star. */
  private readonly prefix: Segment;
  private readonly middle: Segment[];
  private readonly suffix: Segment | undefined;

  constructor(private readonly glob: ParsedGlob) {
    const segments: Segment[] = [];
    let start = 0;
    const tokens = glob.tokens;
    for (let i = 0; i <= tokens.length; i++) {
      if (i === tokens.length || tokens[i] === STAR) {
        segments.push(this.segment(tokens.subarray(start, i)));
        start = i + 1;
      }
    }
    this.prefix = segments[0];
    this.suffix = segments.length > 1 ? segments[segments.length - 1] : undefined;
    this.middle = segments.slice(1, -1);
  }

  matches(key: string): boolean {
    if (CompiledGlob.buffer.length < key.length * 3) CompiledGlob.buffer = new Uint8Array(key.length * 3);
    const bytes = CompiledGlob.buffer;
    return this.matchBytes(bytes, utf8.encodeInto(key, bytes).written);
  }

  /**
   * The prefix must match at the start and the suffix at the end; each segment between stars is
   * then taken at its leftmost place after the previous one (a later place never leaves more room
   * to the rest). Each leftmost place is found with shift-and, one pass over the bytes, so a key
   * costs O(bytes x segment words) whatever the pattern: no backtracking at all.
   */
  private matchBytes(s: Uint8Array, n: number): boolean {
    const prefixLength = this.prefix.tokens.length;
    if (this.suffix === undefined) return n === prefixLength && this.matchesAt(this.prefix, s, 0);
    const end = n - this.suffix.tokens.length;
    if (end < prefixLength || !this.matchesAt(this.prefix, s, 0) || !this.matchesAt(this.suffix, s, end)) return false;
    let from = prefixLength;
    for (const segment of this.middle) {
      const found = this.leftmost(segment, s, from, end);
      if (found < 0) return false;
      from = found + segment.tokens.length;
    }
    return true;
  }

  private matchesAt(segment: Segment, s: Uint8Array, at: number): boolean {
    const { tokens } = segment;
    for (let j = 0; j < tokens.length; j++) if (!this.tokenMatches(tokens[j], s[at + j])) return false;
    return true;
  }

  /** Where `segment` first occurs wholly inside s[from, end), or -1. */
  private leftmost(segment: Segment, s: Uint8Array, from: number, end: number): number {
    const { words, masks } = segment;
    const length = segment.tokens.length;
    if (end - from < length) return -1;
    const last = words - 1;
    const found = 1 << ((length - 1) & 31);
    if (words === 1) {
      let state = 0;
      for (let i = from; i < end; i++) {
        state = ((state << 1) | 1) & masks[s[i]];
        if (state & found) return i - length + 1;
      }
      return -1;
    }
    if (CompiledGlob.state.length < words) CompiledGlob.state = new Int32Array(words);
    const state = CompiledGlob.state;
    state.fill(0, 0, words);
    // Only words up to the highest live one (plus the one it carries into) can change: a key that
    // never gets far into the run costs one word a byte, however long the run.
    let live = 0;
    for (let i = from; i < end; i++) {
      const row = s[i] * words;
      const limit = live < words ? live + 1 : words;
      let carry = 1;
      live = 0;
      for (let w = 0; w < limit; w++) {
        const word = state[w];
        const next = ((word << 1) | carry) & masks[row + w];
        state[w] = next;
        carry = word >>> 31;
        if (next !== 0) live = w + 1;
      }
      if (state[last] & found) return i - length + 1;
    }
    return -1;
  }

  private tokenMatches(token: number, byte: number): boolean {
    return token === ANY || token === byte || (token >= CLASS && this.glob.classes[token - CLASS][byte] === 1);
  }

  private segment(tokens: Int32Array): Segment {
    const words = Math.max(1, Math.ceil(tokens.length / 32));
    const masks = new Int32Array(256 * words);
    tokens.forEach((token, j) => {
      const bit = 1 << (j & 31);
      const w = j >> 5;
      if (token >= 0 && token < 256) {
        masks[token * words + w] |= bit;
        return;
      }
      const table = token === ANY ? undefined : this.glob.classes[token - CLASS];
      for (let byte = 0; byte < 256; byte++) if (table === undefined || table[byte] === 1) masks[byte * words + w] |= bit;
    });
    return { tokens, words, masks };
  }
}
