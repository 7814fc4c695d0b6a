/**
 * Scenario 10: stampede across 4 processes. Each of 4 Node processes (instances) starts 50
 * getOrSet calls of the same cold key at once; the factory takes 100 ms. How many times the factory
 * runs across the cluster, and how long the slowest caller waits. Ours with `lock: 'cluster'` (the
 * ClusterLease in getOrSet's load step) and with `lock: 'process'`, against bentocache getOrSet and cache-manager wrap, all on one redis-server.
 */
import { ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { RedisServer } from '../../test/support/redis-server';
import { rowsOf } from '../harness/measure';
import { median } from '../harness/stats';
import type { BenchContext, BenchScenario, GoalResult, ScenarioReport } from '../harness/types';
import {
  STAMPEDE_CALLERS,
  STAMPEDE_FACTORY_MS,
  STAMPEDE_PROCESSES,
  type FromStampedeChild,
  type StampedeContender,
  type StampedeOutcome,
  type ToStampedeChild,
} from './support/stampede-protocol';

const ID = 10;
/** Untimed pause after each stampede, so that background writes of one contender do not land in the next one's window. */
const SETTLE_MS = 50;
const CHILD = path.join(__dirname, 'support', 'stampede-child.ts');
const TRANSPILE_HOOK = path.join(__dirname, 'http', 'transpile-hook.js');
const START_TIMEOUT_MS = 90_000;

const OURS = "ours getOrSet lock: 'cluster'";
const PROCESS = "ours getOrSet lock: 'process'";
const CONTENDERS: [StampedeContender, string][] = [
  ['ours-cluster', OURS],
  ['ours-process', PROCESS],
  ['bento', 'bentocache getOrSet'],
  ['cache-manager', 'cache-manager 7 wrap'],
];

interface RoundOutcome {
  calls: number;
  slowestMs: number;
  wrong: number;
}

export const clusterStampedeScenario: BenchScenario = {
  id: ID,
  title: `Stampede across ${STAMPEDE_PROCESSES} processes: ${STAMPEDE_PROCESSES} x ${STAMPEDE_CALLERS} getOrSet on a cold key, ${STAMPEDE_FACTORY_MS} ms factory`,
  steps: (ctx) => ctx.warmupRounds + ctx.rounds,
  run: runScenario,
};

async function runScenario(ctx: BenchContext): Promise<ScenarioReport> {
  const server = await RedisServer.start();
  const children: Child[] = [];
  try {
    children.push(...(await Promise.all(Array.from({ length: STAMPEDE_PROCESSES }, (_, i) => startChild(server.url, i)))));
    const outcomes = new Map<string, RoundOutcome[]>(CONTENDERS.map(([, name]) => [name, []]));
    const total = ctx.warmupRounds + ctx.rounds;
    for (let round = 0; round < total; round++) {
      for (let i = 0; i < CONTENDERS.length; i++) {
        const [contender, name] = CONTENDERS[(i + round) % CONTENDERS.length];
        const key = `cluster-stampede:${round}:${contender}`;
        const perChild = await Promise.all(children.map((child) => child.stampede(contender, key)));
        if (round >= ctx.warmupRounds) outcomes.get(name)!.push(combine(perChild));
        await sleep(SETTLE_MS);
      }
      ctx.tick();
    }
    const samplesOf = (pick: (o: RoundOutcome) => number) => new Map([...outcomes].map(([name, list]) => [name, list.map(pick)]));
    const rows = [
      ...rowsOf(
        ID,
        'factory calls (all processes)',
        'calls',
        'lower',
        samplesOf((o) => o.calls),
        OURS,
      ),
      ...rowsOf(
        ID,
        'slowest caller',
        'ms',
        'lower',
        samplesOf((o) => o.slowestMs),
        OURS,
      ),
      ...rowsOf(
        ID,
        'slowest caller / factory time',
        'x',
        'lower',
        samplesOf((o) => o.slowestMs / STAMPEDE_FACTORY_MS),
        OURS,
      ),
    ];
    const ours = outcomes.get(OURS)!;
    const maxCalls = Math.max(...ours.map((o) => o.calls));
    const slowest = median(ours.map((o) => o.slowestMs));
    const processSlowest = median(outcomes.get(PROCESS)!.map((o) => o.slowestMs));
    const goals: GoalResult[] = [
      {
        scenario: ID,
        goal: `lock 'cluster': 1 factory call across ${STAMPEDE_PROCESSES} processes (most in any of ${ctx.rounds} rounds)`,
        value: maxCalls,
        unit: ' calls',
        met: maxCalls === 1,
      },
      {
        scenario: ID,
        goal: "lock 'cluster': slowest caller <= 1.25x lock 'process''s (medians of rounds; the waiters pay one wake-up and one Redis read)",
        value: slowest / processSlowest,
        unit: 'x',
        met: slowest / processSlowest <= 1.25,
      },
    ];
    const wrong = [...outcomes].filter(([, list]) => list.some((o) => o.wrong > 0)).map(([name]) => name);
    return { id: ID, title: clusterStampedeScenario.title, rows, goals, notes: notes(wrong) };
  } finally {
    await Promise.allSettled(children.map((child) => child.stop()));
    await server.stop();
  }
}

function combine(perChild: StampedeOutcome[]): RoundOutcome {
  return {
    calls: perChild.reduce((sum, o) => sum + o.calls, 0),
    slowestMs: Math.max(...perChild.map((o) => o.slowestMs)),
    wrong: perChild.reduce((sum, o) => sum + o.wrong, 0),
  };
}

interface Child {
  stampede(contender: StampedeContender, key: string): Promise<StampedeOutcome>;
  stop(): Promise<void>;
}

function startChild(url: string, index: number): Promise<Child> {
  const child = fork(CHILD, [url, String(index)], { execArgv: ['-r', TRANSPILE_HOOK], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`stampede child ${index} did not start within ${START_TIMEOUT_MS / 1000} s`));
    }, START_TIMEOUT_MS);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`stampede child ${index} exited (${code}) before it was ready`));
    };
    child.once('exit', onExit);
    child.on('message', function onReady(message: FromStampedeChild) {
      if (message.type === 'error') {
        clearTimeout(timer);
        child.off('exit', onExit);
        child.kill('SIGKILL');
        reject(new Error(`stampede child ${index} failed: ${message.message}`));
      } else if (message.type === 'ready') {
        clearTimeout(timer);
        child.off('exit', onExit);
        child.off('message', onReady);
        resolve(childHandle(child));
      }
    });
  });
}

function childHandle(child: ChildProcess): Child {
  const ask = (message: ToStampedeChild) => child.send(message);
  return {
    stampede: (contender, key) =>
      new Promise((resolve, reject) => {
        const onMessage = (message: FromStampedeChild) => {
          if (message.type === 'outcome' && message.key === key) done(() => resolve(message.outcome));
          else if (message.type === 'error') done(() => reject(new Error(message.message)));
        };
        const onExit = () => done(() => reject(new Error('a stampede child exited')));
        const done = (settle: () => void) => {
          child.off('message', onMessage);
          child.off('exit', onExit);
          settle();
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
        ask({ type: 'stampede', contender, key });
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        ask({ type: 'stop' });
      }),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function notes(wrong: string[]): string[] {
  return [
    `${STAMPEDE_PROCESSES} Node processes (forked, one instance of every contender each, all on one redis-server) get one IPC message per ` +
      `round and contender, and each starts ${STAMPEDE_CALLERS} calls of the same fresh cold key in one synchronous loop; the factory ` +
      `counts its calls and sleeps ${STAMPEDE_FACTORY_MS} ms. Measured: factory calls summed over the processes, and the slowest caller ` +
      '(the longest time, over the processes, from the message to the last caller resolved).',
    "Ours lock 'cluster': `getOrSet(key, factory, { lock: 'cluster' })`: after the L2 miss, inside the process single-flight, " +
      'SET NX PX with a token; the holder re-reads L2, calls the factory, writes Redis (awaited), then releases by a token-checking ' +
      'script that also PUBLISHes the release when someone waits; the other instances wait on that message (pub/sub), polling ' +
      "5 -> 100 ms as a fallback, then read Redis. Ours lock 'process': `getOrSet` with single-flight per process only. bentocache 1.6.1: memory L1 + Redis L2 + Redis bus; its lock is an in-process " +
      'mutex (async-mutex), so one call per process is what it is built to do. cache-manager 7: `wrap` over [Keyv memory, Keyv over ' +
      'cache-manager-ioredis-yet] (coalesceAsync, per process).',
    wrong.length === 0
      ? "Every caller of every contender got the factory's value."
      : `Callers got another value than the factory's with: ${wrong.join(', ')}.`,
  ];
}
