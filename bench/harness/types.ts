/** One measured figure of one contender in one case of a scenario. */
export interface ResultRow {
  /** Scenario number and case, e.g. "1" and "get hit, no TTL". */
  scenario: number;
  case: string;
  contender: string;
  /** Unit of `median`, e.g. "ops/s", "hit %", "MB", "ms". */
  metric: string;
  betterIs: 'higher' | 'lower';
  median: number;
  /** Ours relative to this contender, oriented so that > 1 means ours is better; null for ours itself. */
  ratio: number | null;
  /** All measured rounds, for the JSON only. */
  samples?: number[];
  /** A figure computed from the case's other rows (e.g. a share of a gap): not a contender, no ratio. */
  derived?: boolean;
}

/** A goal from the issue, evaluated. */
export interface GoalResult {
  scenario: number;
  goal: string;
  /** What was measured against the goal (a ratio, a count, a difference...). */
  value: number;
  /** How `value` is printed, e.g. "x", " points", " calls". */
  unit: string;
  met: boolean;
}

export interface ScenarioReport {
  id: number;
  title: string;
  rows: ResultRow[];
  goals: GoalResult[];
  /** Free-form lines for BENCHMARKS.md (setup details, caveats). */
  notes: string[];
}

export interface BenchContext {
  warmupRounds: number;
  rounds: number;
  /** Advances the progress bar by `steps` (default 1). */
  tick(steps?: number): void;
  /** Shown next to the progress bar. */
  status(text: string): void;
}

export interface BenchScenario {
  id: number;
  title: string;
  /** How many times `run` will call `ctx.tick()`, to size the progress bar. */
  steps(ctx: BenchContext): number;
  run(ctx: BenchContext): Promise<ScenarioReport>;
}
