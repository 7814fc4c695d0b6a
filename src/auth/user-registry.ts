/**
 * What the bearer guard asks of the application: whether a token's user still exists. The chat
 * provides it (ChatModule binds it to UserService), so auth depends on no chat code. The answer must
 * come from the source of truth, not from a cache: a token must not outlive its user.
 */
export abstract class UserRegistry {
  abstract isKnownUser(userId: string): Promise<boolean>;
}
