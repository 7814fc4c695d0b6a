import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { CacheService } from '../cache';

/**
 * The cache can always serve (from memory when Redis is gone), so this indicator stays up and
 * reports Redis's state in its details: an operator sees an outage, a load balancer does not
 * pull an instance that still answers.
 */
@Injectable()
export class CacheHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly cache: CacheService,
  ) {}

  check() {
    const stats = this.cache.stats();
    const redis = stats.redis;
    return this.indicators.check('cache').up({
      driver: stats.driver,
      redis: redis === null ? 'not configured' : redis.connected && redis.circuit !== 'open' ? 'up' : 'down',
      ...(redis === null ? {} : { circuit: redis.circuit, repairsPending: redis.repairsPending }),
    });
  }
}
