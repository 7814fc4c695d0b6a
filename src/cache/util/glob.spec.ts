import { compileGlob, escapeGlob } from './glob';

/** The subset of `candidates` that `pattern` selects. */
function selects(pattern: string, candidates: string[]): string[] {
  const glob = compileGlob(pattern);
  return candidates.filter((candidate) => glob.matches(candidate));
}

describe('compileGlob (Redis MATCH semantics)', () => {
  it('matches the whole key, not a part of it', () => {
    expect(selects('user', ['user', 'user:1', 'a:user'])).toEqual(['user']);
  });

  it('* matches any run of characters, including none, colons and newlines', () => {
    expect(selects('user:*', ['user:', 'user:1', 'user:1:profile', 'user:a\nb', 'users:1', 'room:1'])).toEqual([
      'user:',
      'user:1',
      'user:1:profile',
      'user:a\nb',
    ]);
    expect(selects('*:profile', ['user:1:profile', 'profile', ':profile'])).toEqual(['user:1:profile', ':profile']);
    expect(selects('*', ['', 'anything'])).toEqual(['', 'anything']);
  });

  it('? matches exactly one character', () => {
    expect(selects('user:?', ['user:1', 'user:a', 'user:\n', 'user:', 'user:10'])).toEqual(['user:1', 'user:a', 'user:\n']);
  });

  it('[abc] matches one of the listed characters', () => {
    expect(selects('room:[abc]', ['room:a', 'room:b', 'room:c', 'room:d', 'room:ab', 'room:'])).toEqual(['room:a', 'room:b', 'room:c']);
  });

  it('[^a] matches one character other than those listed', () => {
    expect(selects('room:[^a]', ['room:a', 'room:b', 'room:z', 'room:', 'room:bb'])).toEqual(['room:b', 'room:z']);
  });

  it('[a-z] matches one character of the range', () => {
    expect(selects('v[0-9]', ['v0', 'v5', 'v9', 'va', 'v10'])).toEqual(['v0', 'v5', 'v9']);
    expect(selects('[a-c]x', ['ax', 'bx', 'cx', 'dx', 'Ax'])).toEqual(['ax', 'bx', 'cx']);
  });

  it('a reversed range [z-a] is accepted, as Redis accepts it', () => {
    expect(selects('[c-a]', ['a', 'b', 'c', 'd'])).toEqual(['a', 'b', 'c']);
  });

  it('inside a class, \\x is a literal x', () => {
    expect(selects('[\\]]', [']', '\\', '\\]'])).toEqual([']']);
    expect(selects('[\\-a]', ['-', 'a', 'b'])).toEqual(['-', 'a']);
  });

  it('regex syntax inside a class is literal', () => {
    expect(selects('[.^$]', ['.', '^', '$', 'x'])).toEqual(['.', '^', '$']);
  });

  it('an unterminated class runs to the end of the pattern, as in Redis', () => {
    expect(selects('a[bc', ['ab', 'ac', 'a[bc', 'a'])).toEqual(['ab', 'ac']);
  });

  it('[] matches nothing and [^] matches any one character, as in Redis', () => {
    expect(selects('a[]', ['a', 'a]', 'ab'])).toEqual([]);
    expect(selects('a[^]', ['a', 'ab', 'a]', 'abc'])).toEqual(['ab', 'a]']);
  });

  it('\\* and \\? are literal', () => {
    expect(selects('a\\*b', ['a*b', 'axb', 'ab', 'axxb'])).toEqual(['a*b']);
    expect(selects('a\\?b', ['a?b', 'axb'])).toEqual(['a?b']);
    expect(selects('a\\[b]', ['a[b]', 'ab'])).toEqual(['a[b]']);
    expect(selects('a\\\\b', ['a\\b', 'ab'])).toEqual(['a\\b']);
  });

  it('a trailing backslash is a literal backslash', () => {
    expect(selects('a\\', ['a\\', 'a'])).toEqual(['a\\']);
  });

  it('regex metacharacters in a pattern are literal', () => {
    expect(selects('a.b', ['a.b', 'axb'])).toEqual(['a.b']);
    expect(selects('(x)', ['(x)', 'x'])).toEqual(['(x)']);
    expect(selects('a+', ['a+', 'a', 'aa'])).toEqual(['a+']);
    expect(selects('^a$', ['^a$', 'a'])).toEqual(['^a$']);
    expect(selects('a|b', ['a|b', 'a', 'b'])).toEqual(['a|b']);
    expect(selects('x{2}', ['x{2}', 'xx'])).toEqual(['x{2}']);
    expect(selects('a/b', ['a/b'])).toEqual(['a/b']);
  });
});

describe('compileGlob matches bytes, as Redis does', () => {
  it('? is one UTF-8 byte: "é" is two, "€" three, "😀" four', () => {
    expect(selects('?', ['a', 'é', '€', '😀'])).toEqual(['a']);
    expect(selects('??', ['é', 'ab', 'a'])).toEqual(['é', 'ab']);
    expect(selects('???', ['€'])).toEqual(['€']);
    expect(selects('????', ['😀'])).toEqual(['😀']);
  });

  it('a class holds bytes: [é] matches no whole "é", and [^a]? does', () => {
    expect(selects('[é]', ['é'])).toEqual([]);
    expect(selects('[^a]?', ['é', 'ab', 'bb'])).toEqual(['é', 'bb']);
  });

  it('a lone surrogate is U+FFFD, as ioredis sends it', () => {
    expect(selects('x\ufffd', ['x\ud800', 'x\udfff', 'x\ufffd', 'x'])).toEqual(['x\ud800', 'x\udfff', 'x\ufffd']);
  });

  it('range bounds compare as signed bytes, as redis-server on x86-64 does: [a-é] holds bytes below "a"', () => {
    expect(selects('[a-é]', ['a', 'b', '0', '\u00c4'])).toEqual(['a', '0']);
  });
});

describe('compileGlob does not backtrack on hostile patterns', () => {
  const keys = Array.from({ length: 1000 }, (_, i) => 'a'.repeat(190) + String(i).padStart(10, '0'));

  // No timed assertion here (speed is bench/glob-patterns.ts's job): a backtracking matcher does not
  // finish these at all (the RegExp one took seconds for 5 stars over 100 shorter keys; 512 stars are
  // beyond any run), so Jest's own test timeout is the bound. Ours takes ~50 ms for the worst one.
  it.each([
    ['*?*?*?*?*?*?*?*?*?*!', '*?'.repeat(9) + '*!'],
    ['*a*a*a... (512 stars)', '*a'.repeat(512)],
    ['*?????...! (1000 ?)', '*' + '?'.repeat(1000) + '!'],
    ['*a*a*a...*b over a-runs', '*a'.repeat(100) + '*b'],
    ['*aaa...ab* (a long run that almost matches everywhere)', '*' + 'a'.repeat(100) + 'b*'],
  ])('%s over 1000 keys of 200 characters answers, and matches none', (_name, pattern) => {
    const glob = compileGlob(pattern);
    expect(keys.filter((key) => glob.matches(key))).toEqual([]);
  });
});

describe('escapeGlob', () => {
  it('escapes * ? [ ] and \\ with a backslash and leaves other characters alone', () => {
    expect(escapeGlob('we*ird')).toBe('we\\*ird');
    expect(escapeGlob('a?b[c]d\\e')).toBe('a\\?b\\[c\\]d\\\\e');
    expect(escapeGlob('plain:key.with(regex)+chars')).toBe('plain:key.with(regex)+chars');
  });

  it('makes a literal prefix usable in front of a wildcard', () => {
    expect(selects(escapeGlob('we*ird') + '*', ['we*irdX', 'we*ird', 'weXirdX', 'weird'])).toEqual(['we*irdX', 'we*ird']);
  });

  it('an escaped text matches exactly itself', () => {
    const text = 'a*b?c[d]e\\f^g$.h';
    expect(selects(escapeGlob(text), [text, 'aXb?c[d]e\\f^g$.h', 'a*bXc[d]e\\f^g$.h', 'a*b?cde\\f^g$.h', 'a*b?c[d]ef^g$.h'])).toEqual([
      text,
    ]);
  });
});
