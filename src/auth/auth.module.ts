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
      useFactory: (config: AppConfig) => ({ secret: resolveJwtSecret(config), signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } }),
    }),
  ],
  providers: [TokenService, AdminTokenGuard],
  exports: [TokenService, AdminTokenGuard],
})
export class AuthModule {}
