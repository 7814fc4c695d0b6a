/** Messages between scenario 10 and its stampede children (stampede-child.ts), over IPC. */
export const STAMPEDE_PROCESSES = 4;
/** Callers per process, started in one synchronous loop. */
export const STAMPEDE_CALLERS = 50;
export const STAMPEDE_FACTORY_MS = 100;
export type StampedeContender = 'ours-cluster' | 'ours-process' | 'bento' | 'cache-manager';

export type ToStampedeChild = { type: 'stampede'; contender: StampedeContender; key: string } | { type: 'stop' };

export interface StampedeOutcome {
  /** Factory calls in this process. */
  calls: number;
  /** From the child's "go" to its last caller resolved, ms. */
  slowestMs: number;
  /** Callers that got another value than the factory's. */
  wrong: number;
}

export type FromStampedeChild =
  { type: 'ready' } | { type: 'outcome'; key: string; outcome: StampedeOutcome } | { type: 'error'; message: string };
