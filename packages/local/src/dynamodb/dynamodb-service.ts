import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import dynalite from "dynalite";
import type { LocalRequest, LocalResponse, ServiceHandler } from "../runtime/contracts";

export interface DynamoDbService extends ServiceHandler {
  /** Refuses further requests; the in-memory tables are dropped with the service. */
  stop(): void;
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * DynamoDB backed by dynalite (real DynamoDB semantics, in memory). dynalite is an HTTP request
 * listener; rather than letting it open a second port, each gateway request is replayed into that
 * listener through a minimal request/response pair, so the service adds no socket, server or timer
 * of its own. Tables become ACTIVE at once instead of after dynalite's default half second.
 */
export function createDynamoDbService(options: { accountId: string; region: string }): DynamoDbService {
  const listener = createListener(options);
  let stopped = false;
  return {
    signingName: "dynamodb",
    handle(request: LocalRequest): Promise<LocalResponse> {
      if (stopped) {
        return Promise.resolve({
          status: 503,
          headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-errortype": "ServiceUnavailable" },
          body: JSON.stringify({ __type: "ServiceUnavailable", message: "the local DynamoDB is stopped" }),
        });
      }
      return replay(listener, request);
    },
    stop() {
      stopped = true;
    },
  };
}

/**
 * dynalite stamps table ARNs with the account and region it reads from the environment when its
 * store is created; they are set just for that synchronous call.
 */
function createListener(options: { accountId: string; region: string }): RequestListener {
  const saved = { AWS_ACCOUNT_ID: process.env.AWS_ACCOUNT_ID, AWS_REGION: process.env.AWS_REGION };
  process.env.AWS_ACCOUNT_ID = options.accountId;
  process.env.AWS_REGION = options.region;
  try {
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    return server.listeners("request")[0] as RequestListener;
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

function replay(listener: RequestListener, request: LocalRequest): Promise<LocalResponse> {
  return new Promise((resolve) => {
    const body = new Readable({ read() {} });
    body.push(request.body);
    body.push(null);
    const query = request.query.toString();
    const req = Object.assign(body, {
      method: request.method,
      url: query ? `${request.path}?${query}` : request.path,
      headers: request.headers,
    });
    const headers: Record<string, string> = {};
    const res = {
      statusCode: 200,
      setHeader(name: string, value: string | number) {
        headers[name.toLowerCase()] = String(value);
      },
      end(chunk?: string | Buffer) {
        resolve({ status: res.statusCode, headers, body: chunk ?? "" });
      },
    };
    listener(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  });
}
