import type { BenchScenario } from '../harness/types';
import { scenario01 } from './01-memory-get';
import { scenario02 } from './02-memory-set';
import { scenario03 } from './03-hit-ratio';
import { redisStoreScenario } from './04-redis-store';
import { tieredGetScenario } from './05-tiered-get';
import { stampedeScenario } from './06-stampede';
import { httpScenario } from './07-http';
import { scenario08 } from './08-memory-footprint';
import { scenario09 } from './09-estimate-vs-heap';
import { clusterStampedeScenario } from './10-cluster-stampede';
import { leaseMissPathScenario } from './11-lease-miss-path';
import { httpPostgresScenario } from './12-http-postgres';
import { failSafeScenario } from './13-fail-safe';
import { getManyScenario } from './14-get-many';
import { chatLoadScenario } from './15-chat-load';

/** Every scenario of `npm run bench`, in the order of issue #4's table. */
export const scenarios: BenchScenario[] = [
  scenario01,
  scenario02,
  scenario03,
  redisStoreScenario,
  tieredGetScenario,
  stampedeScenario,
  httpScenario,
  scenario08,
  scenario09,
  clusterStampedeScenario,
  leaseMissPathScenario,
  httpPostgresScenario,
  failSafeScenario,
  getManyScenario,
  chatLoadScenario,
];
