import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { CacheService } from '../cache';

/**
 * Redis's real state, up or down, with what the cache does about it. It is not critical: the
 * health controller reports it without failing the check, since the app serves from memory.
 * Undefined when no Redis is configured.
 */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly cache: CacheService,
  ) {}

  check() {
    const { redis, bus } = this.cache.stats();
    if (redis === null) return undefined;
    const indicator = this.indicators.check('redis');
    const details = {
      connected: redis.connected,
      circuit: redis.circuit,
      repairsPending: redis.repairsPending,
      ...(bus === null ? {} : { busSubscribed: bus.subscribed }),
    };
    return redis.connected && redis.circuit !== 'open' ? indicator.up(details) : indicator.down({ ...details, servingFrom: 'memory' });
  }
}
