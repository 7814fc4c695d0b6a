import { KeyScope } from './key-scope';

describe('KeyScope', () => {
  it('puts keys, tags and patterns of a namespace under <name>:, nested as <outer>:<inner>:', () => {
    const team = KeyScope.ROOT.child('org').child('team');
    expect([team.name, team.key('1'), team.tags(['t']), team.pattern('a*')]).toEqual([
      'org:team',
      'org:team:1',
      ['org:team:t'],
      'org:team:a*',
    ]);
    expect([team.contains('org:team:1'), team.contains('org:1'), team.relative('org:team:1')]).toEqual([true, false, '1']);
  });

  it('leaves keys as they are at the root', () => {
    const keys = ['a', 'b'];
    expect([KeyScope.ROOT.key('a'), KeyScope.ROOT.keys(keys) === keys, KeyScope.ROOT.pattern('*')]).toEqual(['a', true, '*']);
  });

  it.each(['', 'a:b', 'a*', 'b?', '[c]', 'd\\e', 'with space', 'x'.repeat(101)])('refuses the name %j', (name) => {
    expect(() => KeyScope.ROOT.child(name)).toThrow(/namespace name must be/);
  });

  it('refuses the namespace chat-cache keeps for its own keys', () => {
    expect(() => KeyScope.ROOT.child('__cc')).toThrow(/keeps for itself/);
    expect(KeyScope.ROOT.child('x').child('__cc').key('k')).toBe('x:__cc:k');
  });
});
