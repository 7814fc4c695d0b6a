import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { SecretToken } from '../../auth/bearer-token';
import { APP_CONFIG, AppConfig } from '../../config';

/**
 * With METRICS_TOKEN set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>` (Prometheus's
 * `authorization: { credentials: ... }`); unset, it stays open, for a port that is not public.
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly metricsToken: SecretToken | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.metricsToken = config.metricsToken === undefined ? undefined : new SecretToken(config.metricsToken);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.metricsToken === undefined || this.metricsToken.matches(context.switchToHttp().getRequest())) return true;
    throw new UnauthorizedException('GET /metrics needs Authorization: Bearer <METRICS_TOKEN>');
  }
}
