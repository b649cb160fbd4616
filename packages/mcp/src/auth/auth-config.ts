import { type FieldProblem, InvalidInputError } from "@drs-orchestrator/core";
import { z } from "zod";

/**
 * How the HTTP transport authenticates callers.
 * - `jwt`: a bearer JWT from an OAuth/OIDC issuer (e.g. a Cognito user pool), checked against the
 *   issuer's JWKS, its issuer and its audience.
 * - `static`: one shared bearer token, for the local runtime.
 * - `iam`: the function URL authenticates with SigV4 before the function runs; the handler takes
 *   the caller from the request context.
 */
export type McpAuthConfig =
  | { mode: "jwt"; issuer: string; audiences: string[]; jwksUrl: string }
  | { mode: "static"; token: string }
  | { mode: "iam" };

const MIN_STATIC_TOKEN_LENGTH = 16;

const commaList = z
  .string()
  .transform((value) =>
    value
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  )
  .pipe(z.array(z.string()));

const httpUrl = (what: string) =>
  z.url({ protocol: /^https?$/, error: `expected the ${what} as an http(s) URL` });

const envSchema = z.discriminatedUnion(
  "MCP_AUTH",
  [
    z.object({
      MCP_AUTH: z.literal("jwt"),
      MCP_JWT_ISSUER: httpUrl(
        "issuer (the token's iss claim), e.g. https://cognito-idp.<region>.amazonaws.com/<pool id>",
      ),
      MCP_JWT_AUDIENCE: commaList.pipe(
        z.array(z.string()).min(1, {
          error:
            "name at least one audience (comma separated): the client ID or API identifier tokens are issued for",
        }),
      ),
      MCP_JWKS_URL: httpUrl("issuer's JSON Web Key Set URL").optional(),
    }),
    z.object({
      MCP_AUTH: z.literal("static"),
      MCP_STATIC_TOKEN: z
        .string({ error: "set the bearer token callers must send" })
        .min(MIN_STATIC_TOKEN_LENGTH, {
          error: `use a random token of at least ${MIN_STATIC_TOKEN_LENGTH} characters, e.g. \`openssl rand -hex 32\``,
        })
        // RFC 6750's b64token: anything else cannot travel in an Authorization: Bearer header.
        .regex(/^[A-Za-z0-9\-._~+/]+=*$/, {
          error: "use only letters, digits and - . _ ~ + / (then = padding)",
        }),
    }),
    z.object({ MCP_AUTH: z.literal("iam") }),
  ],
  {
    error:
      'expected "jwt" (bearer JWTs from MCP_JWT_ISSUER), "static" (MCP_STATIC_TOKEN) or "iam" (function URL with AWS_IAM)',
  },
);

/** The issuer's JWKS where Cognito (and most OIDC providers' conventions) publish it. */
export function defaultJwksUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, "")}/.well-known/jwks.json`;
}

/**
 * The transport's authentication from the function's environment.
 * @throws InvalidInputError naming each bad variable and what it expects
 */
export function parseMcpAuthConfig(env: NodeJS.ProcessEnv): McpAuthConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems: FieldProblem[] = parsed.error.issues.map((issue) => ({
      path: issue.path.join(".") || "MCP_AUTH",
      message: issue.message,
    }));
    throw new InvalidInputError("MCP server environment", problems);
  }
  const config = parsed.data;
  switch (config.MCP_AUTH) {
    case "jwt":
      return {
        mode: "jwt",
        issuer: config.MCP_JWT_ISSUER,
        audiences: config.MCP_JWT_AUDIENCE,
        jwksUrl: config.MCP_JWKS_URL ?? defaultJwksUrl(config.MCP_JWT_ISSUER),
      };
    case "static":
      return { mode: "static", token: config.MCP_STATIC_TOKEN };
    case "iam":
      return { mode: "iam" };
  }
}
