import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import { engineContext, logger, tracer } from "@drs-orchestrator/engine";
import { httpResultFromResponse, mcpHttpHandler, requestFromHttpEvent } from "@drs-orchestrator/mcp";
import middy from "@middy/core";
import type { Context } from "aws-lambda";

/**
 * The MCP server over streamable HTTP (stateless, JSON responses) behind a function URL or an
 * HTTP API: the payload 2.0 event as a Web request, authenticated here so a refusal carries its
 * WWW-Authenticate challenge whichever front door the request came through.
 */
export const handler = middy(async (event: unknown, _context: Context) => {
  const { request, iamCaller } = requestFromHttpEvent(event);
  const handle = mcpHttpHandler(process.env, { engine: () => engineContext(), logger });
  return httpResultFromResponse(await handle(request, iamCaller ? { iamCaller } : {}));
})
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }));
