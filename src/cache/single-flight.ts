/** One load in progress for a key; `invalidated` is set when the key is invalidated meanwhile. */
export interface Flight<T> {
  promise: Promise<T>;
  invalidated: boolean;
}

/**
 * At most one load per key per process: the first caller of a cold key runs the factory, every
 * concurrent caller waits for the same promise (and gets the same error, if it fails).
 */
export class SingleFlight {
  private readonly flights = new Map<string, Flight<unknown>>();
  joins = 0;

  get<T>(key: string): Flight<T> | undefined {
    return this.flights.get(key) as Flight<T> | undefined;
  }

  run<T>(key: string, load: (flight: Flight<T>) => Promise<T>): Promise<T> {
    const existing = this.flights.get(key) as Flight<T> | undefined;
    if (existing !== undefined) {
      this.joins++;
      return existing.promise;
    }
    const flight = { invalidated: false } as Flight<T>;
    const promise = load(flight);
    // Cleanup on a reaction of its own, registered before any caller's: it runs first, as with
    // `finally`, without the two extra promises per load that `finally` allocates.
    const settle = () => {
      if (this.flights.get(key) === flight) this.flights.delete(key);
    };
    promise.then(settle, settle);
    flight.promise = promise;
    this.flights.set(key, flight as Flight<unknown>);
    return promise;
  }

  /** Marks the loads of `keys` (or of keys `matches` selects, or all) so they do not cache their result. */
  invalidate(keys: readonly string[], matches?: (key: string) => boolean): void {
    for (const key of keys) {
      const flight = this.flights.get(key);
      if (flight) flight.invalidated = true;
    }
    if (matches) for (const [key, flight] of this.flights) if (matches(key)) flight.invalidated = true;
  }

  get size(): number {
    return this.flights.size;
  }
}
