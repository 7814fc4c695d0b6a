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
 * Matching never backtracks more than to the last `*` seen (the classic two-pointer wildcard
 * algorithm), so it takes at most O(key bytes x pattern length) whatever the pattern: a RegExp
 * built from `*` backtracks exponentially on patterns such as `*?*?*?*?*!`.
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
/** Past the last token: matches no byte. */
const END = -3;
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

class CompiledGlob implements GlobMatcher {
  /** Reused for every key: matching allocates nothing but a larger buffer for a longer key. */
  private static buffer = new Uint8Array(1024);

  constructor(private readonly glob: ParsedGlob) {}

  matches(key: string): boolean {
    if (CompiledGlob.buffer.length < key.length * 3) CompiledGlob.buffer = new Uint8Array(key.length * 3);
    const bytes = CompiledGlob.buffer;
    const length = utf8.encodeInto(key, bytes).written;
    return this.matchBytes(bytes, length);
  }

  /**
   * Walks key and pattern together; on a mismatch, lets the last `*` seen swallow one more byte and
   * resumes just after it. Earlier stars never need revisiting: whatever they could swallow more,
   * the last one can swallow too.
   */
  private matchBytes(s: Uint8Array, n: number): boolean {
    const { tokens, classes } = this.glob;
    const m = tokens.length;
    let p = 0;
    let i = 0;
    let starAt = -1;
    let resumeAt = 0;
    while (i < n) {
      const token = p < m ? tokens[p] : END;
      if (token === STAR) {
        starAt = p++;
        resumeAt = i;
      } else if (token === ANY || token === s[i] || (token >= CLASS && classes[token - CLASS][s[i]] === 1)) {
        p++;
        i++;
      } else if (starAt >= 0) {
        p = starAt + 1;
        i = ++resumeAt;
      } else {
        return false;
      }
    }
    while (p < m && tokens[p] === STAR) p++;
    return p === m;
  }
}
