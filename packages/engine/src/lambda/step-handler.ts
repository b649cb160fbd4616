import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import { InvalidInputError } from "@drs-orchestrator/core";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import type { z } from "zod";
import { type EngineContext, engineContext } from "./engine-context";
import { logger, metrics, tracer } from "./powertools";

export interface StepOptions<S extends z.ZodType, R> {
  /** What the input is, for error messages (e.g. "prepare input"). */
  what: string;
  input: S;
  run: (input: z.output<S>, engine: EngineContext) => Promise<R>;
  /** Steps that record metrics flush them as EMF at the end of each invocation. */
  publishesMetrics?: boolean;
}

/**
 * A Lambda handler for one step: middy with Powertools Logger (the execution ID as correlation
 * ID), Tracer and, where the step records any, Metrics; the input parsed with zod into an
 * InvalidInputError that names each bad field; then the step's own function.
 */
export function stepHandler<S extends z.ZodType, R>(options: StepOptions<S, R>) {
  const handler = middy(async (event: unknown, _context: Context) => {
    const parsed = options.input.safeParse(event);
    if (!parsed.success) {
      throw new InvalidInputError(
        options.what,
        parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
      );
    }
    const input = parsed.data as z.output<S>;
    const executionId = (input as { executionId?: unknown }).executionId;
    if (typeof executionId === "string") logger.setCorrelationId(executionId);
    return options.run(input, engineContext());
  })
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger, { resetKeys: true }));
  if (options.publishesMetrics) handler.use(logMetrics(metrics));
  return handler;
}
