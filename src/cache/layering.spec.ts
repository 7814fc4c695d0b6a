/**
 * The cache module's folders are layered; a folder imports only from the layers below it:
 *
 *   1. errors.ts, chat-cache.constants.ts, chat-cache.options.ts   what everything may name
 *   2. util/                                 keys, globs, TTLs, sizes, logfmt
 *   3. resilience/                           circuit breaker, deadline, repair journal, write order
 *   4. stores/                               the drivers: MemoryStore, RedisStore, codec, tag versions
 *   5. invalidation/                         the bus, its messages, the listeners of this process
 *   6. telemetry/                            timings for whoever listens
 *   7. events/                               `on(event)`: the emitter, invalidations as events
 *   8. tiers/                                the tiers as the pipeline sees them (RedisTier wraps the
 *                                            driver with the guard and the repair journal; null tiers)
 *   9. pipeline/                             the steps of a read, a load, a write, a removal
 *  10. cache.service.ts, cache-stats.ts      the facade
 *  11. compat/, decorators/, interceptors/   built on CacheService
 *  12. the module, its providers, index.ts
 *
 * This spec reads every import of src/cache/**\/*.ts and fails on a cycle between folders (each
 * file directly in src/cache counts as a unit of its own), and on any import of src/chat: the
 * cache is a library, the chat one of its users.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const CACHE_ROOT = __dirname;
const CHAT_ROOT = resolve(CACHE_ROOT, '..', 'chat');
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((match) => match[1] ?? match[2] ?? match[3] ?? match[4]).filter((spec) => spec.startsWith('.'));
}

/** A folder directly under src/cache, or a file directly in it. */
function unitOf(path: string): string {
  const [first, ...rest] = relative(CACHE_ROOT, path).split(/[\\/]/);
  return rest.length > 0 ? `${first}/` : first.replace(/\.ts$/, '');
}

/** Folder-level edges `from -> to` of the files given, with one file that makes each. */
function edgesOf(files: string[]): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const file of files) {
    for (const spec of importsOf(file)) {
      const target = resolve(dirname(file), spec);
      if (relative(CACHE_ROOT, target).startsWith('..')) continue;
      const from = unitOf(file);
      const to = unitOf(target);
      if (from === to) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      if (!edges.get(from)!.has(to)) edges.get(from)!.set(to, relative(CACHE_ROOT, file));
    }
  }
  return edges;
}

/** Every cycle found by a depth-first search, each as `a -> b -> a (via files)`. */
function cyclesOf(edges: Map<string, Map<string, string>>): string[] {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (unit: string) => {
    state.set(unit, 'open');
    path.push(unit);
    for (const [next] of edges.get(unit) ?? []) {
      if (state.get(next) === 'open') {
        const loop = [...path.slice(path.indexOf(next)), next];
        const via = loop.slice(0, -1).map((from, i) => edges.get(from)!.get(loop[i + 1]));
        cycles.push(`${loop.join(' -> ')} (via ${via.join(', ')})`);
      } else if (state.get(next) === undefined) visit(next);
    }
    path.pop();
    state.set(unit, 'done');
  };
  for (const unit of [...edges.keys()].sort()) if (state.get(unit) === undefined) visit(unit);
  return cycles;
}

describe('src/cache layering', () => {
  const files = sourceFiles(CACHE_ROOT);

  it('reads the imports of the cache module', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(edgesOf(files).get('cache.service')?.size).toBeGreaterThan(3);
  });

  it('has no cycle between its folders', () => {
    expect(cyclesOf(edgesOf(files))).toEqual([]);
  });

  it('imports nothing from src/chat', () => {
    const intoChat = files.flatMap((file) =>
      importsOf(file)
        .filter((spec) => !relative(CHAT_ROOT, resolve(dirname(file), spec)).startsWith('..'))
        .map((spec) => `${relative(CACHE_ROOT, file)} imports ${spec}`),
    );
    expect(intoChat).toEqual([]);
  });

  it('finds a cycle when there is one (the check can fail)', () => {
    const edges = new Map([
      ['stores/', new Map([['invalidation/', 'stores/memory.store.ts']])],
      ['invalidation/', new Map([['stores/', 'invalidation/invalidation-bus.ts']])],
    ]);
    expect(cyclesOf(edges)).toEqual([
      'invalidation/ -> stores/ -> invalidation/ (via invalidation/invalidation-bus.ts, stores/memory.store.ts)',
    ]);
  });
});
