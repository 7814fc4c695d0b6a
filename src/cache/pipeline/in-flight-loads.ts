import { Flight, SingleFlight } from '../single-flight';

/**
 * The loads in progress, coalesced per key: through a factory (getOrSet), plain L2 reads (get), and
 * reloads that ignore what is cached (refresh), kept apart so that none joins another kind.
 */
export class InFlightLoads {
  readonly loads = new SingleFlight();
  readonly reads = new SingleFlight();
  readonly refreshes = new SingleFlight();
  /** Factories still running after their load answered (a soft or hard timeout): their value is cached when it lands. */
  readonly lateFactories = new SingleFlight();
  /** Loads overtaken by an invalidation of their key: served, not kept. */
  invalidatedLoads = 0;

  /** Marks the loads of `keys` (or of the keys `matches` selects) so that they do not keep their value. */
  invalidate(keys: readonly string[], matches?: (key: string) => boolean): void {
    this.loads.invalidate(keys, matches);
    this.reads.invalidate(keys, matches);
    this.refreshes.invalidate(keys, matches);
    this.lateFactories.invalidate(keys, matches);
  }

  /** An invalidation of the key during a load means its value may predate it: serve it, but do not keep it. */
  keepUnlessInvalidated(flight: Flight<unknown>, keep: () => void): void {
    if (flight.invalidated) this.invalidatedLoads++;
    else keep();
  }

  get joins(): number {
    return this.loads.joins + this.reads.joins + this.refreshes.joins;
  }

  get size(): number {
    return this.loads.size + this.reads.size + this.refreshes.size;
  }
}
