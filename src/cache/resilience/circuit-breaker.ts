export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one probe may go through. */
  openMs: number;
  now?: () => number;
  onStateChange?: (state: CircuitState, previous: CircuitState) => void;
}

/**
 * Stops calling a dependency that keeps failing, so that no request waits on a dead Redis:
 * closed (calls go through) -> open after `failureThreshold` consecutive failures (calls are
 * refused at once) -> half-open after `openMs` (one probe goes through; success closes the
 * circuit, failure opens it again).
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private consecutiveFailures = 0;
  private openedAt = 0;
  private probeInFlight = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    return this.current;
  }

  /** Whether a call may go to the dependency now; in half-open state, only one at a time may. */
  allowRequest(): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open') {
      if (this.now() - this.openedAt < this.options.openMs) return false;
      this.transition('half-open');
    }
    if (this.probeInFlight) return false;
    this.probeInFlight = true;
    return true;
  }

  recordSuccess(): void {
    this.consecutiveFailures = 0;
    this.probeInFlight = false;
    if (this.current !== 'closed') this.transition('closed');
  }

  recordFailure(): void {
    this.probeInFlight = false;
    this.consecutiveFailures++;
    if (this.current === 'half-open' || (this.current === 'closed' && this.consecutiveFailures >= this.options.failureThreshold)) {
      this.openedAt = this.now();
      this.transition('open');
    }
  }

  /** Lets the next call probe at once, for when the dependency says it is back (a reconnect). */
  probeNow(): void {
    if (this.current === 'open') this.openedAt = this.now() - this.options.openMs;
  }

  private transition(next: CircuitState): void {
    const previous = this.current;
    this.current = next;
    this.options.onStateChange?.(next, previous);
  }
}
