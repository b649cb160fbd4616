import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { LocalAws } from "../start-local-aws";

export interface FunctionUrlServerOptions {
  /** The local runtime the function is deployed on; requests reach it through its Lambda Invoke API. */
  local: Pick<LocalAws, "endpoint" | "region" | "env" | "clock">;
  functionName: string;
  /** 0 or absent: any free port. */
  port?: number;
}

export interface FunctionUrlServer {
  /** `http://127.0.0.1:<port>`, the function URL's origin. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Content types a function URL passes as text; any other body reaches the function base64-encoded. */
const TEXT_TYPES =
  /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|application\/[\w.+-]+\+(json|xml))/i;
/** Hop-by-hop headers the front door consumes. */
const DROPPED_HEADERS = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade"]);

/**
 * A Lambda function URL (auth type NONE, buffered) in front of a function deployed on the local
 * runtime: each HTTP request on 127.0.0.1 becomes a payload 2.0 event, is invoked through the
 * runtime's Lambda Invoke API as the real front door invokes it, and the function's result is
 * written back as the response (a result without `statusCode` is a 200 JSON body; a failed
 * invocation is a 502, as a function URL answers it).
 */
export async function startFunctionUrlServer(options: FunctionUrlServerOptions): Promise<FunctionUrlServer> {
  const { local, functionName } = options;
  const lambda = new LambdaClient({
    endpoint: local.endpoint,
    region: local.region,
    credentials: {
      accessKeyId: local.env.AWS_ACCESS_KEY_ID,
      secretAccessKey: local.env.AWS_SECRET_ACCESS_KEY,
    },
  });
  const urlId = randomBytes(16).toString("hex");
  const server = createServer((req, res) => {
    void forward(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        writeResult(res, { statusCode: 502, body: JSON.stringify({ Message: String(error) }) });
      } else {
        res.destroy();
      }
    });
  });
  server.keepAliveTimeout = 1_000;

  async function forward(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req);
    const event = httpEvent(req, body, urlId, local);
    const response = await lambda.send(
      new InvokeCommand({ FunctionName: functionName, Payload: JSON.stringify(event) }),
    );
    const payload = response.Payload ? new TextDecoder().decode(response.Payload) : "null";
    if (response.FunctionError) {
      writeResult(res, { statusCode: 502, body: JSON.stringify({ Message: "Internal Server Error" }) });
      return;
    }
    writeResult(res, functionResult(JSON.parse(payload)));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close() {
      return new Promise((resolve) => {
        server.close(() => {
          lambda.destroy();
          resolve();
        });
        server.closeAllConnections();
      });
    },
  };
}

function httpEvent(
  req: IncomingMessage,
  body: Buffer,
  urlId: string,
  local: FunctionUrlServerOptions["local"],
) {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === "cookie" || DROPPED_HEADERS.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const sourceIp = req.socket.remoteAddress ?? "127.0.0.1";
  headers["x-forwarded-proto"] = "http";
  headers["x-forwarded-port"] = String(req.socket.localPort ?? "");
  headers["x-forwarded-for"] = sourceIp;
  const query = new Map<string, string[]>();
  for (const [name, value] of url.searchParams) query.set(name, [...(query.get(name) ?? []), value]);
  const cookies = req.headers.cookie
    ?.split(";")
    .map((cookie) => cookie.trim())
    .filter(Boolean);
  const isText = body.length === 0 || TEXT_TYPES.test(req.headers["content-type"] ?? "");
  const now = local.clock.now();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies?.length && { cookies }),
    headers,
    ...(query.size > 0 && {
      queryStringParameters: Object.fromEntries([...query].map(([name, values]) => [name, values.join(",")])),
    }),
    requestContext: {
      accountId: "anonymous",
      apiId: urlId,
      domainName: headers.host ?? `${urlId}.lambda-url.${local.region}.on.aws`,
      domainPrefix: urlId,
      http: {
        method: req.method ?? "GET",
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: req.headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 && { body: isText ? body.toString("utf8") : body.toString("base64") }),
    isBase64Encoded: !isText,
  };
}

interface ProxyResult {
  statusCode: number;
  headers?: Record<string, string>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

/** Function URLs read a result with a numeric `statusCode` as a proxy result, anything else as a JSON body. */
function functionResult(result: unknown): ProxyResult {
  if (
    typeof result === "object" &&
    result !== null &&
    typeof (result as ProxyResult).statusCode === "number"
  ) {
    return result as ProxyResult;
  }
  return {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    body: typeof result === "string" ? result : JSON.stringify(result),
  };
}

function writeResult(res: ServerResponse, result: ProxyResult) {
  const body =
    result.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(result.body, result.isBase64Encoded ? "base64" : "utf8");
  res.statusCode = result.statusCode;
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
  if (result.cookies?.length) res.setHeader("set-cookie", result.cookies);
  if (!res.hasHeader("content-type") && body.length > 0) res.setHeader("content-type", "application/json");
  res.setHeader("content-length", body.length);
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `21/Nov/2026:10:00:00 +0000`, the request time format of function URL and HTTP API events. */
function clfTime(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, "0");
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}
