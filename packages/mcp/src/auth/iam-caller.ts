import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";

/** The SigV4-authenticated caller a function URL with AWS_IAM auth reports (requestContext.authorizer.iam). */
export interface IamCaller {
  accessKey?: string;
  accountId?: string;
  callerId?: string;
  userArn?: string;
  userId?: string;
}

/**
 * The caller as the MCP server sees it. The function URL checked the signature before the
 * function ran, so there is no token to keep: the identity is the principal's ARN.
 */
export function iamAuthInfo(caller: IamCaller): AuthInfo | undefined {
  const subject = caller.userArn ?? caller.callerId ?? caller.userId;
  if (subject === undefined) return undefined;
  return {
    token: "",
    clientId: subject,
    scopes: [],
    extra: { subject, ...(caller.accountId !== undefined && { accountId: caller.accountId }) },
  };
}
