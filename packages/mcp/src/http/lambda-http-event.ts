import { type FieldProblem, InvalidInputError } from "@drs-orchestrator/core";
import { z } from "zod";
import type { IamCaller } from "../auth/iam-caller";

const optionalText = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);

/** The parts of an API Gateway HTTP API / Lambda function URL event (payload format 2.0) a request needs. */
const httpEventSchema = z.object({
  version: z.literal("2.0", {
    error: "expected payload format 2.0 (an API Gateway HTTP API or a Lambda function URL event)",
  }),
  rawPath: z.string().startsWith("/"),
  rawQueryString: z.string().default(""),
  cookies: z.array(z.string()).optional(),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().default(false),
  requestContext: z.object({
    domainName: z.string().min(1),
    http: z.object({ method: z.string().min(1) }),
    authorizer: z
      .object({
        iam: z
          .object({
            accessKey: optionalText,
            accountId: optionalText,
            callerId: optionalText,
            userArn: optionalText,
            userId: optionalText,
          })
          .optional(),
      })
      .optional(),
  }),
});

/** A Lambda proxy result in payload format 2.0, as function URLs and HTTP APIs expect it. */
export interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  cookies?: string[];
  body: string;
  isBase64Encoded: boolean;
}

/**
 * The Web-standard request an HTTP API or function URL event describes, and the SigV4 caller when
 * the function URL authenticated one. The scheme comes from `x-forwarded-proto` (both front doors
 * set it), the authority from the Host header the client sent.
 * @throws InvalidInputError naming the event field that does not fit payload format 2.0
 */
export function requestFromHttpEvent(event: unknown): { request: Request; iamCaller?: IamCaller } {
  const parsed = httpEventSchema.safeParse(event);
  if (!parsed.success) {
    const problems: FieldProblem[] = parsed.error.issues.map((issue) => ({
      path: issue.path.join("."),
      message: issue.message,
    }));
    throw new InvalidInputError("HTTP event", problems);
  }
  const { headers, requestContext, rawPath, rawQueryString, cookies, body, isBase64Encoded } = parsed.data;
  const scheme = headers["x-forwarded-proto"] ?? "https";
  const authority = headers.host ?? requestContext.domainName;
  const url = `${scheme}://${authority}${rawPath}${rawQueryString ? `?${rawQueryString}` : ""}`;
  const requestHeaders = new Headers(headers);
  if (cookies?.length) requestHeaders.set("cookie", cookies.join("; "));
  const method = requestContext.http.method.toUpperCase();
  const hasBody = body !== undefined && method !== "GET" && method !== "HEAD";
  const request = new Request(url, {
    method,
    headers: requestHeaders,
    ...(hasBody && { body: isBase64Encoded ? Buffer.from(body, "base64") : body }),
  });
  const iam = requestContext.authorizer?.iam;
  return iam ? { request, iamCaller: iam } : { request };
}

/** The proxy result for a response: text bodies as they are, Set-Cookie headers as `cookies`. */
export async function httpResultFromResponse(response: Response): Promise<HttpResult> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  return {
    statusCode: response.status,
    headers,
    ...(cookies.length > 0 && { cookies }),
    body: await response.text(),
    isBase64Encoded: false,
  };
}
