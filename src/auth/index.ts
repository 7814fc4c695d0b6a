export { AdminTokenGuard } from './admin-token.guard';
export { AuthModule } from './auth.module';
export type { AuthenticatedUser } from './authenticated-user';
export { BearerAuthGuard } from './bearer-auth.guard';
export { CurrentUser } from './current-user.decorator';
export { TokenService } from './token.service';
export { unknownUser } from './unknown-user';
export { USER_REGISTRY_UNAVAILABLE, UserRegistry } from './user-registry';
