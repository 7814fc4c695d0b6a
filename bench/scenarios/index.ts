import type { BenchScenario } from '../harness/types';

/** Every scenario of `npm run bench`, in the order of issue #4's table. */
export const scenarios: BenchScenario[] = [];
