import { INTERNAL_KEY_NAMESPACE } from '../chat-cache.constants';
import type { ResolvedChatCacheOptions } from '../chat-cache.options';
import { InvalidationBus, InvalidationBusHandlers } from '../invalidation/invalidation-bus';
import type { RedisStore } from '../stores/redis.store';
import type { CacheTelemetry } from '../telemetry/cache-telemetry';
import { GuardedRedis } from './guarded-redis';
import { NoSharedTier } from './no-shared-tier';
import { RedisLease } from './redis-lease';
import { RedisTier } from './redis-tier';
import type { SharedTier } from './shared-tier';

/**
 * The shared tier the options ask for: RedisTier over the driver, with a bus when there is an L1
 * to keep coherent (`hasLocalTier`), or NoSharedTier when there is no Redis.
 */
export function createSharedTier(
  options: ResolvedChatCacheOptions,
  store: RedisStore | null,
  hasLocalTier: boolean,
  handlers: Omit<InvalidationBusHandlers, 'onDelivered'>,
  telemetry?: CacheTelemetry,
): SharedTier {
  if (options.driver === 'memory' || !store) return new NoSharedTier();
  const { commandTimeoutMs, connectTimeoutMs, circuitFailureThreshold, circuitOpenMs } = options.redis;
  const redis = new GuardedRedis(store, {
    commandTimeoutMs,
    connectTimeoutMs,
    circuitFailureThreshold,
    circuitOpenMs,
    description: store.description,
    telemetry,
  });
  const bus = hasLocalTier
    ? new InvalidationBus(
        store.createSubscriber(),
        // The bus publishes through the guard like every other call, on purpose: the breaker opens
        // only when Redis does not answer (timeouts, a lost connection; a refusal such as OOM does
        // not count), and then the other instances' subscriptions are most likely down as well and
        // flush their L1 when they come back; what could not be announced meanwhile waits in the
        // repair journal, which is announced once Redis answers.
        (channel, message) => redis.run('publish', (driver) => driver.publish(channel, message)),
        store.fullKey(`${INTERNAL_KEY_NAMESPACE}bus`),
        options.instanceId,
        {
          ...handlers,
          onDelivered: (lagMs, reason) => {
            if (telemetry?.active) telemetry.busDelivery({ lagMs, reason });
          },
        },
        // Connecting, then one SUBSCRIBE: boot waits no longer than for Redis itself plus one command.
        { bootWaitMs: connectTimeoutMs + commandTimeoutMs },
      )
    : undefined;
  // Built whatever the module's `lock`: a call may still ask for 'cluster'. Its subscriber connects on first use.
  const lease = new RedisLease(store, options.keyPrefix, commandTimeoutMs);
  return new RedisTier(redis, bus, lease);
}
