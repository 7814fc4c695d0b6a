import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { APP_CONFIG, AppConfig } from '../config';
import { AdminTokenGuard } from './admin-token.guard';
import { resolveJwtSecret } from './jwt-secret';
import { TokenService } from './token.service';

/**
 * Tokens and the admin guard. BearerAuthGuard is used where a UserRegistry is provided
 * (ChatModule), since it asks whether a token's user exists.
 */
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        // A KeyObject made once: given a string, jsonwebtoken builds one on every sign and verify, after
        // first trying to read the string as a PEM public key, which throws (half a request's CPU, measured).
        secret: createSecretKey(Buffer.from(resolveJwtSecret(config))),
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  providers: [TokenService, AdminTokenGuard],
  exports: [TokenService, AdminTokenGuard],
})
export class AuthModule {}
