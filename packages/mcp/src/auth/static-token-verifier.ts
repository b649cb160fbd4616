import { createHash, timingSafeEqual } from "node:crypto";
import type { TokenVerifier } from "./jwt-verifier";
import { InvalidTokenError } from "./token-errors";

/** Who a static token's bearer is: the one caller the token stands for. */
export const STATIC_TOKEN_CALLER = "static-token";

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Accepts exactly one shared token, compared in constant time. */
export function createStaticTokenVerifier(expected: string): TokenVerifier {
  const expectedDigest = digest(expected);
  return async (token) => {
    if (!timingSafeEqual(digest(token), expectedDigest)) {
      throw new InvalidTokenError("the token is not the one this server was started with");
    }
    return { token, clientId: STATIC_TOKEN_CALLER, scopes: [], extra: { subject: STATIC_TOKEN_CALLER } };
  };
}
