/** Why a bearer token was refused (RFC 6750 §3.1); absent when the request carried no token. */
export interface BearerChallengeError {
  error: "invalid_token";
  description: string;
}

const quoted = (value: string) => `"${value.replace(/["\\]/g, "\\$&")}"`;

/**
 * The `WWW-Authenticate` value of a 401: the Bearer scheme with the protected-resource metadata
 * URL (RFC 9728 §5.1), from which MCP clients find the authorization server.
 */
export function bearerChallenge(resourceMetadataUrl: string, refused?: BearerChallengeError): string {
  const params = [`resource_metadata=${quoted(resourceMetadataUrl)}`];
  if (refused)
    params.push(`error=${quoted(refused.error)}`, `error_description=${quoted(refused.description)}`);
  return `Bearer ${params.join(", ")}`;
}
