import { CacheEvents } from './cache-events';

describe('CacheEvents', () => {
  it('calls the listeners of an event only, and stops after unsubscribe', () => {
    const events = new CacheEvents();
    const hits: string[] = [];
    const off = events.on('hit', (event) => hits.push(event.key));
    events.emit('hit', { key: 'a' });
    events.emit('miss', { key: 'b' });
    off();
    events.emit('hit', { key: 'c' });
    expect(hits).toEqual(['a']);
  });

  it('says which events have a listener, so that hot paths build no payload for the others', () => {
    const events = new CacheEvents();
    const off = events.on('stale', () => undefined);
    expect([events.listening.stale, events.listening.hit]).toEqual([true, false]);
    const offToo = events.on('stale', () => undefined);
    off();
    expect(events.listening.stale).toBe(true);
    offToo();
    offToo(); // twice: harmless
    expect(events.listening.stale).toBe(false);
  });

  it('counts a listener that throws and still calls the others', () => {
    const events = new CacheEvents();
    const seen: string[] = [];
    events.on('set', () => {
      throw new Error('bug');
    });
    events.on('set', (event) => seen.push(event.key));
    expect(() => events.emit('set', { key: 'k' })).not.toThrow();
    expect([events.errors, seen]).toEqual([1, ['k']]);
  });

  it('names the innermost namespace a key lives in, among those opened', () => {
    const events = new CacheEvents();
    const seen: Array<string | undefined> = [];
    events.on('miss', (event) => seen.push(event.namespace));
    events.addNamespace('org');
    events.addNamespace('org:team');
    for (const key of ['org:1', 'org:team:1', 'organic:1', 'org', 'other:1']) events.emit('miss', { key });
    expect(seen).toEqual(['org', 'org:team', undefined, undefined, undefined]);
  });
});
