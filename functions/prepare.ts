import { prepare, prepareStepInputSchema, stepHandler } from "@drs-orchestrator/engine";

/** The workflow's first step: checks the plan against DRS and writes the execution's items. */
export const handler = stepHandler({ what: "prepare input", input: prepareStepInputSchema, run: prepare });
