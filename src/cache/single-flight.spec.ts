import { Flight, SingleFlight } from './single-flight';
import { deferred } from '../../test/support/deferred';

describe('SingleFlight', () => {
  it('concurrent runs for the same key share one load, and joins counts the joiners', async () => {
    const flights = new SingleFlight();
    const gate = deferred<string>();
    const load = jest.fn(() => gate.promise);
    const first = flights.run('k', load);
    const second = flights.run('k', load);
    const third = flights.run('k', load);
    expect(load).toHaveBeenCalledTimes(1);
    expect(flights.joins).toBe(2);
    expect(flights.size).toBe(1);
    gate.resolve('value');
    await expect(Promise.all([first, second, third])).resolves.toEqual(['value', 'value', 'value']);
  });

  it('runs for different keys load separately', async () => {
    const flights = new SingleFlight();
    const loadA = jest.fn(async () => 'a');
    const loadB = jest.fn(async () => 'b');
    const results = await Promise.all([flights.run('a', loadA), flights.run('b', loadB)]);
    expect(results).toEqual(['a', 'b']);
    expect(loadA).toHaveBeenCalledTimes(1);
    expect(loadB).toHaveBeenCalledTimes(1);
    expect(flights.joins).toBe(0);
  });

  it('an error reaches every joiner', async () => {
    const flights = new SingleFlight();
    const gate = deferred<string>();
    const boom = new Error('db down');
    const runs = [flights.run('k', () => gate.promise), flights.run('k', () => gate.promise), flights.run('k', () => gate.promise)];
    const outcomes = Promise.allSettled(runs);
    gate.reject(boom);
    const settled = await outcomes;
    expect(settled).toEqual([
      { status: 'rejected', reason: boom },
      { status: 'rejected', reason: boom },
      { status: 'rejected', reason: boom },
    ]);
    expect(flights.size).toBe(0);
  });

  it('after a load settles, the next run starts a new load', async () => {
    const flights = new SingleFlight();
    let calls = 0;
    const load = jest.fn(async () => ++calls);
    await expect(flights.run('k', load)).resolves.toBe(1);
    expect(flights.size).toBe(0);
    expect(flights.get('k')).toBeUndefined();
    await expect(flights.run('k', load)).resolves.toBe(2);
    expect(load).toHaveBeenCalledTimes(2);
    expect(flights.joins).toBe(0);
  });

  it('after a load fails, the next run starts a new load', async () => {
    const flights = new SingleFlight();
    await expect(flights.run('k', async () => Promise.reject(new Error('once')))).rejects.toThrow('once');
    await expect(flights.run('k', async () => 'recovered')).resolves.toBe('recovered');
  });

  it('get exposes the flight in progress, the same one the load sees', async () => {
    const flights = new SingleFlight();
    const gate = deferred<number>();
    let seen: Flight<number> | undefined;
    const run = flights.run<number>('k', (flight) => {
      seen = flight;
      return gate.promise;
    });
    expect(flights.get('k')).toBe(seen);
    expect(flights.get('k')?.invalidated).toBe(false);
    gate.resolve(1);
    await run;
    expect(flights.get('k')).toBeUndefined();
  });

  it("invalidate([key]) marks only that key's flight as invalidated", async () => {
    const flights = new SingleFlight();
    const gate = deferred<string>();
    const seen: Record<string, Flight<string>> = {};
    const runA = flights.run<string>('a', (flight) => ((seen.a = flight), gate.promise));
    const runB = flights.run<string>('b', (flight) => ((seen.b = flight), gate.promise));
    flights.invalidate(['a', 'not-loading']);
    expect(seen.a.invalidated).toBe(true);
    expect(seen.b.invalidated).toBe(false);
    gate.resolve('v');
    await Promise.all([runA, runB]);
  });

  it('invalidate([], matcher) marks the flights whose keys the matcher selects', async () => {
    const flights = new SingleFlight();
    const gate = deferred<string>();
    const seen: Record<string, Flight<string>> = {};
    const runs = ['user:1', 'user:2', 'room:1'].map((key) => flights.run<string>(key, (flight) => ((seen[key] = flight), gate.promise)));
    flights.invalidate([], (key) => key.startsWith('user:'));
    expect(seen['user:1'].invalidated).toBe(true);
    expect(seen['user:2'].invalidated).toBe(true);
    expect(seen['room:1'].invalidated).toBe(false);
    gate.resolve('v');
    await Promise.all(runs);
  });

  it('a load can see, when it finishes, that it was invalidated meanwhile', async () => {
    const flights = new SingleFlight();
    const gate = deferred<string>();
    const cached: string[] = [];
    const run = flights.run<string>('k', async (flight) => {
      const value = await gate.promise;
      if (!flight.invalidated) cached.push(value);
      return value;
    });
    flights.invalidate(['k']);
    gate.resolve('stale');
    await expect(run).resolves.toBe('stale');
    expect(cached).toEqual([]);
  });

  it('an invalidation does not carry over to the next flight of the key', async () => {
    const flights = new SingleFlight();
    const gate = deferred<string>();
    const first = flights.run('k', () => gate.promise);
    flights.invalidate(['k']);
    gate.resolve('v');
    await first;
    let second: Flight<string> | undefined;
    await flights.run<string>('k', async (flight) => {
      second = flight;
      return 'w';
    });
    expect(second?.invalidated).toBe(false);
  });
});
