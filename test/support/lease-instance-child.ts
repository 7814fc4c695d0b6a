/**
 * One instance of the cluster-lease e2e spec, in a process of its own (argv: Redis url, key prefix,
 * instance id): a ChatCacheModule with `lock: 'cluster'`. For each `load` message it starts
 * `callers` getOrSet calls of one key at once; its factory tells the parent when it is called, then
 * answers after `factoryMs` (never, with -1: the parent kills this process mid-factory).
 */
import { startCacheContext } from './cache-context';

export type ToLeaseChild = { type: 'load'; key: string; callers: number; factoryMs: number; value: string } | { type: 'stop' };

export type FromLeaseChild =
  | { type: 'ready' }
  | { type: 'factory-called'; key: string }
  | { type: 'loaded'; key: string; values: unknown[]; errors: string[] }
  | { type: 'error'; message: string };

const send = (message: FromLeaseChild) => process.send!(message);

async function main(): Promise<void> {
  const [url, keyPrefix, instanceId] = process.argv.slice(2);
  const context = await startCacheContext({ keyPrefix, redis: { url }, instanceId, lock: 'cluster' });
  process.on('message', (message: ToLeaseChild) => {
    if (message.type === 'stop') {
      void context.close().then(() => process.exit(0));
      return;
    }
    const { key, callers, factoryMs, value } = message;
    const factory = async () => {
      send({ type: 'factory-called', key });
      await new Promise((resolve) => (factoryMs < 0 ? undefined : setTimeout(resolve, factoryMs)));
      return value;
    };
    const calls = Array.from({ length: callers }, () => context.cache.getOrSet(key, factory, { ttlMs: 60_000 }));
    void Promise.allSettled(calls).then((settled) =>
      send({
        type: 'loaded',
        key,
        values: settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])),
        errors: settled.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : [])),
      }),
    );
  });
  send({ type: 'ready' });
}

main().catch((error: Error) => {
  send({ type: 'error', message: error.stack ?? error.message });
  process.exit(1);
});
