import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import type { McpAuthConfig } from "./auth-config";
import { bearerToken } from "./bearer-token";
import { type IamCaller, iamAuthInfo } from "./iam-caller";
import { createJwtVerifier, type TokenVerifier } from "./jwt-verifier";
import { createStaticTokenVerifier } from "./static-token-verifier";
import { InvalidTokenError } from "./token-errors";

/** What authentication decided about one request. */
export type Authentication =
  | { ok: true; authInfo: AuthInfo }
  /** `reason` is absent when the request carried no credentials at all (RFC 6750 §3.1). */
  | { ok: false; reason?: string };

export interface RequestCredentials {
  authorization: string | null;
  /** Present only behind a function URL with AWS_IAM auth. */
  iamCaller?: IamCaller;
}

export interface RequestAuthenticator {
  /** Whether callers present bearer tokens (and so are told where the resource metadata is). */
  readonly bearer: boolean;
  /** The issuer that grants tokens, for the protected-resource metadata. */
  readonly issuer?: string;
  /** @throws TokenValidationUnavailableError when tokens cannot be checked at the moment */
  authenticate(credentials: RequestCredentials): Promise<Authentication>;
}

/** The authenticator of a configured mode; the JWT verifier it holds caches the issuer's keys. */
export function createRequestAuthenticator(config: McpAuthConfig): RequestAuthenticator {
  if (config.mode === "iam") {
    return {
      bearer: false,
      async authenticate({ iamCaller }) {
        const authInfo = iamCaller && iamAuthInfo(iamCaller);
        // Only a function URL without AWS_IAM auth lets a request through unsigned.
        return authInfo
          ? { ok: true, authInfo }
          : {
              ok: false,
              reason: "the request was not signed with SigV4 (the function URL must use AWS_IAM auth)",
            };
      },
    };
  }
  const verify: TokenVerifier =
    config.mode === "jwt" ? createJwtVerifier(config) : createStaticTokenVerifier(config.token);
  return {
    bearer: true,
    ...(config.mode === "jwt" && { issuer: config.issuer }),
    async authenticate({ authorization }) {
      const token = bearerToken(authorization);
      if (token === undefined) return { ok: false };
      try {
        return { ok: true, authInfo: await verify(token) };
      } catch (error) {
        if (error instanceof InvalidTokenError) return { ok: false, reason: error.message };
        throw error;
      }
    },
  };
}
