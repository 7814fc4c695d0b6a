import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { CacheHealthIndicator } from './cache.health-indicator';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly cache: CacheHealthIndicator,
  ) {}

  /** 200 while the app can serve, 503 when an indicator is down. */
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.cache.check()]);
  }
}
