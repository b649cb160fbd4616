import { decideApproval, stepHandler } from "@drs-orchestrator/engine";
import { z } from "zod";

/** Approves or rejects a wave's gate; the request is parsed by the service, the same for every entry point. */
export const handler = stepHandler({
  what: "approval decision",
  input: z.unknown(),
  run: (request, engine) => decideApproval(engine, request),
});
