import { startRecovery, stepHandler } from "@drs-orchestrator/engine";
import { z } from "zod";

/** Starts a recovery execution; the request is parsed by the service, the same for every entry point. */
export const handler = stepHandler({
  what: "start-recovery request",
  input: z.unknown(),
  run: (request, engine) => startRecovery(request, engine),
});
