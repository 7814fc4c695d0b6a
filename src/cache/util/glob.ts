/**
 * Glob patterns with Redis `MATCH` semantics (`*`, `?`, `[abc]`, `[^a]`, `[a-z]`, `\x`), so that a
 * pattern selects the same keys in the memory tier as in Redis.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      source += '[\\s\\S]*';
    } else if (c === '?') {
      source += '[\\s\\S]';
    } else if (c === '\\' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[++i]);
    } else if (c === '[') {
      // A class, read as Redis reads it: `\x` is a literal x, `a-z` a range (either order), and the
      // class runs to the first unescaped `]`, or to the end of the pattern when there is none.
      let j = i + 1;
      const negated = pattern[j] === '^';
      if (negated) j++;
      let body = '';
      for (; j < pattern.length && pattern[j] !== ']'; j++) {
        if (pattern[j] === '\\' && j + 1 < pattern.length) {
          body += escapeClassChar(pattern[++j]);
        } else if (j + 2 < pattern.length && pattern[j + 1] === '-') {
          const [low, high] = pattern[j] <= pattern[j + 2] ? [pattern[j], pattern[j + 2]] : [pattern[j + 2], pattern[j]];
          body += `${escapeClassChar(low)}-${escapeClassChar(high)}`;
          j += 2;
        } else {
          body += escapeClassChar(pattern[j]);
        }
      }
      source += body === '' ? (negated ? '[\\s\\S]' : '[^\\s\\S]') : `[${negated ? '^' : ''}${body}]`;
      i = j;
    } else {
      source += escapeRegExp(c);
    }
  }
  return new RegExp(source + '$');
}

/** Makes every character of `text` literal in a Redis `MATCH` pattern. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function escapeClassChar(c: string): string {
  return /[\\\]\[^-]/.test(c) ? '\\' + c : c;
}
