import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { LocalRequest, LocalResponse, ServiceHandler } from "../runtime/contracts";
import { parseCredentialScope } from "./credential-scope";

export interface Gateway {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  /** Adds or replaces the handler for a signing name; services may be registered after listen. */
  register(handler: ServiceHandler): void;
  close(): Promise<void>;
}

/**
 * One loopback HTTP endpoint for every emulated service: requests are routed by the service name
 * in their SigV4 credential scope, so a single AWS_ENDPOINT_URL serves all SDK clients.
 */
export async function startGateway(
  options: { port?: number; handlers?: ServiceHandler[] } = {},
): Promise<Gateway> {
  const handlers = new Map<string, ServiceHandler>();
  for (const handler of options.handlers ?? []) handlers.set(handler.signingName, handler);

  const server: Server = createServer((req, res) => {
    void route(handlers, req, res);
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    register(handler) {
      handlers.set(handler.signingName, handler);
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function route(handlers: Map<string, ServiceHandler>, req: IncomingMessage, res: ServerResponse) {
  try {
    const body = await readBody(req);
    const scope = parseCredentialScope(req.headers.authorization);
    const handler = scope ? handlers.get(scope.service) : undefined;
    if (!scope || !handler) {
      send(res, {
        status: 400,
        headers: { "content-type": "application/json", "x-amzn-errortype": "UnrecognizedClientException" },
        body: JSON.stringify({
          message: scope
            ? `service "${scope.service}" is not emulated by the local runtime`
            : "request is not SigV4-signed: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (any values work locally)",
        }),
      });
      return;
    }
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
    }
    const request: LocalRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers,
      body,
      service: scope.service,
      region: scope.region,
    };
    send(res, await handler.handle(request));
  } catch (error) {
    send(res, {
      status: 500,
      headers: { "content-type": "application/json", "x-amzn-errortype": "InternalServerException" },
      body: JSON.stringify({ message: error instanceof Error ? error.message : String(error) }),
    });
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, response: LocalResponse) {
  res.writeHead(response.status, response.headers ?? {});
  res.end(response.body ?? "");
}
