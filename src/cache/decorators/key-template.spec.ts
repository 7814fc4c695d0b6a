import { compileGlob } from '../util/glob';
import { compileKeySource, compileTagsSource } from './key-source';
import { compileKeyTemplate } from './key-template';
import { stableHash } from './stable-json';

const forPut = { decorator: '@CachePut', allowResult: true };
const forCacheable = { decorator: '@Cacheable', allowResult: false };

function render(template: string, args: unknown[], result?: unknown): string {
  return compileKeyTemplate(template, forPut)(args, result);
}

describe('key templates', () => {
  it('reads arguments by index and property path', () => {
    expect(render('session:{0}', ['s1'])).toBe('session:s1');
    expect(render('room:{1}:{0}', ['a', 'b'])).toBe('room:b:a');
    expect(render('room:{0.id}', [{ id: 'r7' }])).toBe('room:r7');
    expect(render('owner:{1.owner.name}', [null, { owner: { name: 'ada' } }])).toBe('owner:ada');
    expect(render('list:{0.items.1}', [{ items: ['x', 'y'] }])).toBe('list:y');
  });

  it('reads the result where the decorator knows it', () => {
    expect(render('message:{result.id}', [], { id: 'm1' })).toBe('message:m1');
    expect(render('count:{result}', [], 3)).toBe('count:3');
  });

  it('rejects {result} in @Cacheable when the decorator is applied', () => {
    expect(() => compileKeyTemplate('session:{result.id}', forCacheable)).toThrow(/@Cacheable.*\{result\}/);
  });

  it('rejects malformed templates when the decorator is applied', () => {
    expect(() => compileKeyTemplate('session:{id}', forPut)).toThrow(/"\{id\}"/);
    expect(() => compileKeyTemplate('session:{0', forPut)).toThrow(/unbalanced/);
    expect(() => compileKeyTemplate('session:{}', forPut)).toThrow(TypeError);
    expect(() => compileKeyTemplate('session:}{0}', forPut)).toThrow(/unbalanced/);
  });

  it('writes numbers and booleans as text and undefined or null as nothing', () => {
    expect(render('{0}|{1}|{2}|{3}|{4}|{5}', [42, -1.5, true, false, undefined, null])).toBe('42|-1.5|true|false||');
    expect(render('{0.missing.deeper}', [{}])).toBe('');
    expect(render('{0}', [10n])).toBe('10');
  });

  it('escapes inserted strings so that they cannot reach another key', () => {
    expect(render('session:{0}', ['a:b'])).toBe('session:a%3Ab');
    // A user id "1:admin" must not render as the key of user "1" and tab "admin".
    expect(render('user:{0}:{1}', ['1:admin', 'x'])).not.toBe(render('user:{0}:{1}', ['1', 'admin:x']));
  });

  it('escapes glob syntax, so that an inserted value only ever matches itself', () => {
    const rendered = render('messages:{0}:*', ['*?[a]\\']);
    expect(rendered).toBe('messages:%2A%3F%5Ba%5D%5C:*');
    const glob = compileGlob(rendered);
    expect(glob.matches(`messages:%2A%3F%5Ba%5D%5C:page1`)).toBe(true);
    expect(glob.matches('messages:other:page1')).toBe(false);
  });

  it('keeps other characters readable and unicode exact', () => {
    expect(render('q:{0}', ['hello world/é'])).toBe('q:hello%20world%2F%C3%A9');
  });

  it('writes objects and arrays as a short hash that ignores key order', () => {
    const a = render('search:{0}', [{ q: 'cats', limit: 20, filters: { role: 'user', sessionId: 's1' } }]);
    const b = render('search:{0}', [{ filters: { sessionId: 's1', role: 'user' }, limit: 20, q: 'cats' }]);
    expect(a).toBe(b);
    expect(a).toMatch(/^search:[A-Za-z0-9_-]{22}$/);
    expect(render('search:{0}', [{ q: 'dogs', limit: 20 }])).not.toBe(render('search:{0}', [{ q: 'cats', limit: 20 }]));
    expect(render('{0}', [[1, 2]])).not.toBe(render('{0}', [[2, 1]]));
  });

  it('tells Maps, Sets and dates apart by content', () => {
    expect(stableHash(new Map([['a', 1]]))).not.toBe(stableHash(new Map([['a', 2]])));
    expect(
      stableHash(
        new Map([
          ['a', 1],
          ['b', 2],
        ]),
      ),
    ).toBe(
      stableHash(
        new Map([
          ['b', 2],
          ['a', 1],
        ]),
      ),
    );
    expect(stableHash(new Set([1, 2]))).toBe(stableHash(new Set([2, 1])));
    expect(stableHash(new Set([1]))).not.toBe(stableHash(new Set([2])));
    expect(stableHash({ at: new Date(0) })).not.toBe(stableHash({ at: new Date(1) }));
    expect(stableHash({ n: 1n })).not.toBe(stableHash({ n: 2n }));
  });

  it('fails at render time for values that have no key form', () => {
    expect(() => render('{0}', [Symbol('s')])).toThrow(TypeError);
    expect(() => render('{0}', ['\uD800'])).toThrow();
  });
});

describe('key and tags sources', () => {
  it('calls function forms with the instance as this, the arguments and the result', () => {
    const instance = { prefix: 'p' };
    const key = compileKeySource(function (this: typeof instance, [id]: [string], result?: unknown) {
      return `${this.prefix}:${id}:${(result as { v: number }).v}`;
    }, forPut);
    expect(key.call(instance, ['x'], { v: 1 })).toBe('p:x:1');
  });

  it('renders each tag of a list as a template', () => {
    const tags = compileTagsSource(['session:{0}', 'user:{result.userId}', 'sessions'], forPut);
    expect(tags.call(undefined, ['s:1'], { userId: 'u1' })).toEqual(['session:s%3A1', 'user:u1', 'sessions']);
  });

  it('rejects what is neither a template nor a function', () => {
    expect(() => compileKeySource(42 as never, forPut)).toThrow(/template string or a function/);
    expect(() => compileTagsSource('session:{0}' as never, forPut)).toThrow(/array/);
  });
});
