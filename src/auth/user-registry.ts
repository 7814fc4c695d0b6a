/** The registry's answer when its source of truth cannot answer now (the database is down). */
export const USER_REGISTRY_UNAVAILABLE = 'unavailable';

/**
 * What the bearer guard asks of the application: whether a token's user still exists. The chat
 * provides it (ChatModule binds it to UserService), so auth depends on no chat code. The answer must
 * come from the source of truth, not from a cache: a token must not outlive its user. When the
 * source of truth cannot answer, the registry says so (`USER_REGISTRY_UNAVAILABLE`) rather than
 * guessing or throwing; the guard decides what that opens.
 */
export abstract class UserRegistry {
  abstract isKnownUser(userId: string): Promise<boolean | typeof USER_REGISTRY_UNAVAILABLE>;
}
