import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from "jose";
import { InvalidTokenError, TokenValidationUnavailableError } from "./token-errors";

/** Checks a bearer token and says who presented it. */
export type TokenVerifier = (token: string) => Promise<AuthInfo>;

export interface JwtVerifierOptions {
  issuer: string;
  audiences: readonly string[];
  jwksUrl: string;
}

/** Allowed difference between the issuer's clock and ours when checking exp/nbf/iat. */
const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Verifies JWTs as API Gateway's JWT authorizer does: signature against the issuer's JWKS
 * (fetched once and cached, refetched for an unknown key ID), `iss` equal to the issuer, not
 * expired, and `aud` — or, for Cognito access tokens which carry none, `client_id` — among the
 * audiences.
 */
export function createJwtVerifier(options: JwtVerifierOptions): TokenVerifier {
  const keys = createRemoteJWKSet(new URL(options.jwksUrl));
  return async (token) => {
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        requiredClaims: ["exp"],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (error) {
      throw refusal(error, options);
    }
    const audiences = typeof claims.aud === "string" ? [claims.aud] : (claims.aud ?? []);
    const clientId = typeof claims.client_id === "string" ? claims.client_id : undefined;
    const presented = claims.aud === undefined ? (clientId === undefined ? [] : [clientId]) : audiences;
    if (!presented.some((audience) => options.audiences.includes(audience))) {
      throw new InvalidTokenError(
        presented.length === 0
          ? "the token has neither an aud nor a client_id claim"
          : `the token is for ${presented.join(", ")}, not this server (${options.audiences.join(", ")})`,
      );
    }
    return authInfo(token, claims, clientId ?? (typeof claims.azp === "string" ? claims.azp : audiences[0]));
  };
}

function authInfo(token: string, claims: JWTPayload, clientId: string | undefined): AuthInfo {
  const username =
    typeof claims.username === "string"
      ? claims.username
      : typeof claims["cognito:username"] === "string"
        ? claims["cognito:username"]
        : undefined;
  const scope = typeof claims.scope === "string" ? claims.scope.split(" ") : [];
  // The person (or, for a client-credentials token, the client) on whose behalf the request is made.
  const subject = username ?? claims.sub ?? clientId;
  return {
    token,
    clientId: clientId ?? subject ?? "unknown",
    scopes: scope.filter((item) => item.length > 0),
    ...(claims.exp !== undefined && { expiresAt: claims.exp }),
    extra: {
      ...(subject !== undefined && { subject }),
      ...(claims.sub !== undefined && { sub: claims.sub }),
      ...(username !== undefined && { username }),
      issuer: claims.iss,
    },
  };
}

function refusal(error: unknown, options: JwtVerifierOptions): Error {
  if (error instanceof errors.JWTExpired) {
    const exp = error.payload.exp;
    return new InvalidTokenError(
      exp === undefined ? "the token expired" : `the token expired at ${new Date(exp * 1000).toISOString()}`,
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new InvalidTokenError(
      error.claim === "iss"
        ? `the token was not issued by ${options.issuer}`
        : `the token's ${error.claim} claim is not valid (${error.reason})`,
    );
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new InvalidTokenError("the token's signature does not verify with the issuer's keys");
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new InvalidTokenError("no key of the issuer matches the token's key ID (kid)");
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return new InvalidTokenError("the token is signed with an algorithm the issuer's keys do not allow");
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return new InvalidTokenError("the token is not a well-formed signed JWT");
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new TokenValidationUnavailableError(
    `cannot read the issuer's keys at ${options.jwksUrl}: ${reason}`,
  );
}
