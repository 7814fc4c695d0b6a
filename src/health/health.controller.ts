import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorResult } from '@nestjs/terminus';
import { CacheHealthIndicator } from './cache.health-indicator';
import { DatabaseHealthIndicator } from './database.health-indicator';
import { RedisHealthIndicator } from './redis.health-indicator';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
    private readonly cache: CacheHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  /**
   * 200 while the app can serve, 503 when it cannot (the database is down). Redis is reported with
   * its real status but does not fail the check: without it the cache serves from memory, and a
   * load balancer must not pull every instance because Redis blinked.
   */
  @ApiOperation({ summary: '200 while the app can serve (Redis down is reported, not fatal), 503 when it cannot' })
  @Get()
  @HealthCheck()
  async check(): Promise<HealthCheckResult> {
    const redis = this.redis.check();
    try {
      return withNonCritical(await this.health.check([() => this.database.check(), () => this.cache.check()]), redis);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      throw new ServiceUnavailableException(withNonCritical(error.getResponse() as HealthCheckResult, redis));
    }
  }

  /** Liveness: 200 while the process answers HTTP at all; a failing liveness probe restarts it. */
  @ApiOperation({ summary: 'Liveness: 200 while the process runs' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } } })
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Readiness: 200 when the database answers, 503 when it does not. Redis is left out on purpose:
   * without it the instance serves from memory, and pulling every instance out of the load
   * balancer because Redis blinked would turn a slower cache into an outage.
   */
  @ApiOperation({ summary: 'Readiness: 200 when the database answers, 503 when not (Redis is not required)' })
  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.database.check()]);
  }
}

/** Adds a non-critical indicator to terminus's result: in `details`, and in `info` or `error`, without changing `status`. */
function withNonCritical(result: HealthCheckResult, indicator: HealthIndicatorResult | undefined): HealthCheckResult {
  if (indicator === undefined) return result;
  const [[key, value]] = Object.entries(indicator);
  const bucket = value.status === 'up' ? 'info' : 'error';
  return { ...result, [bucket]: { ...result[bucket], [key]: value }, details: { ...result.details, [key]: value } };
}
