import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../config';

/**
 * JWT_SECRET, or in development a random one. loadConfig already refuses a production boot
 * without it; the warning says what a random secret costs.
 */
export function resolveJwtSecret({ jwtSecret }: AppConfig): string {
  if (jwtSecret !== undefined) return jwtSecret;
  new Logger('Auth').warn(
    'JWT_SECRET is not set: using a random secret, so tokens stop working when this process restarts ' +
      'and other instances do not accept them. Set JWT_SECRET (required when NODE_ENV=production).',
  );
  return randomBytes(32).toString('base64url');
}
