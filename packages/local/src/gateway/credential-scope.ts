/** Reads service and region from a SigV4 Authorization header's credential scope. */
export function parseCredentialScope(
  authorization: string | undefined,
): { service: string; region: string } | undefined {
  // Credential=<access key>/<date>/<region>/<service>/aws4_request
  const match = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization ?? "");
  if (!match) return undefined;
  return { region: match[1] as string, service: match[2] as string };
}
