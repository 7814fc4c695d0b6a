/**
 * Runs one case of a scenario in a fresh Node process, so that what an earlier case left behind
 * cannot tilt it: a peer whose methods saw another configuration of itself (lru-cache installs
 * per-instance TTL and size functions, so a second configuration makes its call sites polymorphic),
 * a heap grown by another case, or RSS that a process never gives back.
 *
 * The scenario module exports `isolatedCases`, functions by name; the child imports the module,
 * runs the named case with the parent's rounds and forwards every `ctx.tick()`; the case answers
 * plain JSON (samples by contender, figures).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { BenchContext } from '../../harness/types';

export type IsolatedCase = (ctx: BenchContext, arg: unknown) => unknown | Promise<unknown>;

const CHILD = path.join(__dirname, 'isolated-child.ts');
const TS_NODE = require.resolve('ts-node/register/transpile-only');

export function runIsolated<R>(ctx: BenchContext, modulePath: string, caseName: string, options: { arg?: unknown } = {}): Promise<R> {
  const payload = JSON.stringify({ warmupRounds: ctx.warmupRounds, rounds: ctx.rounds, arg: options.arg ?? null });
  const child = spawn(process.execPath, ['-r', TS_NODE, CHILD, modulePath, caseName, payload], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise<R>((resolve, reject) => {
    let buffered = '';
    let result: R | undefined;
    let answered = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.startsWith('tick ')) ctx.tick(Number(line.slice(5)));
        else if (line.startsWith('result ')) {
          result = JSON.parse(line.slice(7)) as R;
          answered = true;
        }
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 && answered) resolve(result as R);
      else reject(new Error(`isolated case "${caseName}" of ${path.basename(modulePath)} exited with ${code}`));
    });
  });
}

/** Samples by contender, as `measureThroughput` answers them, in a JSON-safe shape and back. */
export function samplesToJson(samples: Map<string, number[]>): [string, number[]][] {
  return [...samples];
}

export function samplesFromJson(entries: [string, number[]][]): Map<string, number[]> {
  return new Map(entries);
}
