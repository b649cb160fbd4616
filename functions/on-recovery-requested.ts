import { onRecoveryRequested, stepHandler } from "@drs-orchestrator/engine";
import { z } from "zod";

/** `Recovery Requested` events from the app's bus; the event is parsed and its outcome recorded by the service. */
export const handler = stepHandler({
  what: "Recovery Requested event",
  input: z.unknown(),
  run: (event, engine) => onRecoveryRequested(event, engine),
});
