import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { bearerToken } from '../../auth/bearer-token';
import { APP_CONFIG, AppConfig } from '../../config';

/**
 * With METRICS_TOKEN set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>` (Prometheus's
 * `authorization: { credentials: ... }`); unset, it stays open, for a port that is not public.
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly tokenDigest: Buffer | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.tokenDigest = config.metricsToken === undefined ? undefined : digest(config.metricsToken);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.tokenDigest === undefined) return true;
    const token = bearerToken(context.switchToHttp().getRequest());
    // Digests of equal length compared in constant time: a wrong guess says nothing of how close it was.
    if (token === undefined || !timingSafeEqual(digest(token), this.tokenDigest)) {
      throw new UnauthorizedException('GET /metrics needs Authorization: Bearer <METRICS_TOKEN>');
    }
    return true;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
