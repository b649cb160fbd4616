/** A bearer token that does not authenticate its caller: answered 401 `invalid_token` with the reason. */
export class InvalidTokenError extends Error {
  override readonly name = "InvalidTokenError";
}

/**
 * Tokens cannot be checked right now (the issuer's key set is unreachable or malformed): the
 * caller's token may be fine, so the answer is 503, not 401.
 */
export class TokenValidationUnavailableError extends Error {
  override readonly name = "TokenValidationUnavailableError";
}
