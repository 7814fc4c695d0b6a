import { Logger } from '@nestjs/common';
import { CacheTelemetry, L2CallEvent } from './cache-telemetry';

describe('CacheTelemetry', () => {
  it('delivers events to every listener until it unsubscribes', () => {
    const telemetry = new CacheTelemetry();
    const first: L2CallEvent[] = [];
    const second: number[] = [];
    const unsubscribe = telemetry.subscribe({ l2Call: (event) => first.push(event) });
    telemetry.subscribe({ busDelivery: (event) => second.push(event.lagMs) });
    expect(telemetry.active).toBe(true);

    telemetry.l2Call({ operation: 'get', outcome: 'ok', durationMs: 0.4 });
    telemetry.busDelivery({ lagMs: 3, reason: 'tags' });
    unsubscribe();
    telemetry.l2Call({ operation: 'set', outcome: 'timeout', durationMs: 250 });

    expect(first).toEqual([{ operation: 'get', outcome: 'ok', durationMs: 0.4 }]);
    expect(second).toEqual([3]);
  });

  it('a failing listener is logged and does not stop the others or the caller', () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const telemetry = new CacheTelemetry();
      const seen: string[] = [];
      telemetry.subscribe({
        l2Call: () => {
          throw new Error('exporter broke');
        },
      });
      telemetry.subscribe({ l2Call: (event) => seen.push(event.operation) });
      expect(() => telemetry.l2Call({ operation: 'publish', outcome: 'error', durationMs: 1 })).not.toThrow();
      expect(seen).toEqual(['publish']);
      expect(error).toHaveBeenCalledWith('a telemetry listener failed: exporter broke');
    } finally {
      error.mockRestore();
    }
  });

  it('is inactive without listeners', () => {
    const telemetry = new CacheTelemetry();
    expect(telemetry.active).toBe(false);
    telemetry.subscribe({})();
    expect(telemetry.active).toBe(false);
  });
});
