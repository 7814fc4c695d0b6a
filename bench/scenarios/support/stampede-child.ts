/**
 * One instance of scenario 10: builds every contender on the shared redis-server (argv: url, index),
 * then, for each `stampede` message, starts CALLERS calls of one cold key at once and answers how
 * many factory calls this process made and when its slowest caller resolved.
 */
import { startCacheContext, type CacheContext } from '../../../test/support/cache-context';
import { kilobyteMessages, type BenchMessage } from './chat-values-1kb';
import { bentoPeer, type BentoPeer, cacheManagerPeer, type CacheManagerPeer } from './redis-peers';
import {
  STAMPEDE_CALLERS,
  STAMPEDE_FACTORY_MS,
  type FromStampedeChild,
  type StampedeContender,
  type StampedeOutcome,
  type ToStampedeChild,
} from './stampede-protocol';

const TTL_MS = 300_000;

type GetOrSet = (key: string, factory: () => Promise<BenchMessage>) => Promise<unknown>;

const send = (message: FromStampedeChild) => process.send!(message);

async function main(): Promise<void> {
  const [url, index] = process.argv.slice(2);
  // The child lives for the whole scenario; a start-up failure ends it (the parent reports it).
  const ours = await startCacheContext({ keyPrefix: 'b10:ours:', redis: { url }, instanceId: `bench-10-${index}` });
  const oursLeased = await startCacheContext({ keyPrefix: 'b10:lease:', redis: { url }, instanceId: `bench-10-lease-${index}` });
  const contexts: CacheContext[] = [ours, oursLeased];
  const bento: BentoPeer = await bentoPeer(url, { prefix: 'b10bento', serializeL1: true });
  const cacheManager: CacheManagerPeer = await cacheManagerPeer(url, { memory: true, namespace: 'b10cm' });
  const { bento: bc } = bento;
  const cm = cacheManager.cache;
  const contenders: Record<StampedeContender, GetOrSet> = {
    'ours-cluster': (key, factory) => oursLeased.cache.getOrSet(key, factory, { ttlMs: TTL_MS, lock: 'cluster' }),
    'ours-process': (key, factory) => ours.cache.getOrSet(key, factory, { ttlMs: TTL_MS, lock: 'process' }),
    bento: (key, factory) => bc.getOrSet({ key, factory, ttl: TTL_MS }),
    'cache-manager': (key, factory) => cm.wrap(key, factory, TTL_MS),
  };
  const value = kilobyteMessages(1)[0];
  const close = async () => {
    await Promise.allSettled([bento.close(), cacheManager.close()]);
    await Promise.allSettled(contexts.map((c) => c.close()));
  };
  process.on('message', (message: ToStampedeChild) => {
    if (message.type === 'stop') {
      void close().then(() => process.exit(0));
      return;
    }
    stampede(contenders[message.contender], message.key, value).then(
      (outcome) => send({ type: 'outcome', key: message.key, outcome }),
      (error: Error) => send({ type: 'error', message: error.message }),
    );
  });
  send({ type: 'ready' });
}

async function stampede(getOrSet: GetOrSet, key: string, value: BenchMessage): Promise<StampedeOutcome> {
  let calls = 0;
  const factory = async (): Promise<BenchMessage> => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, STAMPEDE_FACTORY_MS));
    return value;
  };
  let last = 0;
  let wrong = 0;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < STAMPEDE_CALLERS; i++) {
    pending.push(
      getOrSet(key, factory).then((got) => {
        last = performance.now();
        if (got !== value && JSON.stringify(got) !== JSON.stringify(value)) wrong++;
      }),
    );
  }
  await Promise.all(pending);
  return { calls, slowestMs: last - started, wrong };
}

main().catch((error: Error) => {
  send({ type: 'error', message: error.stack ?? error.message });
  process.exit(1);
});
