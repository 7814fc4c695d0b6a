import { collectDefaultMetrics, Registry } from 'prom-client';

/** Injection token of this application's prom-client Registry. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

let processRegistry: Registry | undefined;

/**
 * Node's default metrics (CPU, memory, event loop lag, GC) describe the process, not one Nest
 * application, so they are collected once per process and shared by every application in it
 * (the e2e specs run several). Each application keeps its own registry for its own metrics.
 */
export function processMetricsRegistry(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}
