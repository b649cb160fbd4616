import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";

const serviceName = "drs-orchestrator";

/** One Logger, Tracer and Metrics per process, as Powertools expects them created at init. */
export const logger = new Logger({ serviceName });
export const tracer = new Tracer({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: "DrsOrchestrator" });
