/** Who made the request, as the bearer guard found it; `request.user` holds it. */
export interface AuthenticatedUser {
  id: string;
}
