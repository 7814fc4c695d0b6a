import { openDatabase } from './database/open-database';
import { toFtsQuery } from './fts-query';

describe('toFtsQuery', () => {
  it('quotes each word, so every word must match, in any order', () => {
    expect(toFtsQuery('brown fox')).toBe('"brown" "fox"');
    expect(toFtsQuery('  Crème   brûlée ')).toBe('"Crème" "brûlée"');
  });

  it('keeps no FTS5 operator or punctuation', () => {
    expect(toFtsQuery('alpha OR beta')).toBe('"alpha" "OR" "beta"');
    expect(toFtsQuery('NEAR(a b) content:x "y" z* ^w -v')).toBe('"NEAR" "a" "b" "content" "x" "y" "z" "w" "v"');
  });

  it('answers null when there is no word at all', () => {
    expect(toFtsQuery('"*" () -- ^')).toBeNull();
    expect(toFtsQuery('')).toBeNull();
  });

  it('never makes SQLite fail, whatever the input', () => {
    const db = openDatabase(':memory:');
    const search = db.prepare('SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?');
    const inputs = ['"', '""', "'", 'a"b', 'AND', 'OR NOT', '(a', 'a)', '{a b}', 'a:b', '*', 'NEAR/2', '\u0000', '💬 chat', 'ß', '名前'];
    for (const input of inputs) {
      const query = toFtsQuery(input);
      if (query !== null) expect(() => search.all(query)).not.toThrow();
    }
    db.close();
  });
});
