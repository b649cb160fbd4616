import { resumeRecovery } from "@drs-orchestrator/engine";
import { z } from "zod";
import { defineTool } from "../server/recovery-tool";
import { executionIdArgument, requiredText, toolArguments } from "../server/tool-arguments";
import { RecoveryNotAllowedError } from "../server/tool-refusal";

export const resumeRecoveryTool = defineTool({
  name: "resume_recovery",
  title: "Resume a stopped recovery",
  description:
    "Continues a recovery or drill that FAILED, was ABORTED or cancelled, as a new attempt of the same " +
    "execution (same executionId, same plan version): from the first wave that did not complete, servers that " +
    "are healthy with their recovery instance still up are kept and never relaunched, launches still in flight " +
    "finish, and the others launch again; later waves follow. With skipFailed the stopped wave's failed and " +
    "unlaunched servers are accepted as failed instead and the recovery goes on with the later waves. Approval " +
    "gates that were rejected or expired are asked again; hooks that already ran do not run again. The report " +
    "and the RTO cover every attempt. Refused for an execution that SUCCEEDED or is still running, and for a " +
    "drill whose cleanup is running; a RECOVERY execution is resumed only for a plan on this server's RECOVERY " +
    "allow-list. Follow it with get_recovery_status.",
  inputSchema: toolArguments({
    executionId: executionIdArgument,
    skipFailed: z
      .boolean({ error: "expected true or false: whether to accept the stopped wave's failed servers" })
      .optional()
      .describe(
        "Accept the stopped wave's failed and unlaunched servers as failed instead of relaunching them.",
      ),
    reason: requiredText('say why it is resumed, e.g. "capacity is back in the subnet"').describe(
      "Why the recovery is resumed; kept with the attempt and shown in the report.",
    ),
  }),
  outputSchema: z.object({
    executionId: z.string().describe("The same execution: pass it to get_recovery_status."),
    executionArn: z.string().describe("The Step Functions execution of the new attempt."),
    attempt: z.number().int().describe("The attempt: 2 for the first resume."),
    planId: z.string(),
    planVersion: z.number().int().describe("The plan version pinned at the execution's start."),
    mode: z.enum(["DRILL", "RECOVERY"]),
    requestedBy: z.string().describe("Who the attempt records as having resumed it."),
    skipFailed: z.boolean(),
    alreadyStarted: z
      .boolean()
      .describe("True when another request resumed the execution as this attempt at the same time."),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  async run({ executionId, skipFailed, reason }, { engine, recoveryAllowList, caller, now }) {
    const meta = await engine.executions.getMeta(executionId);
    if (meta?.mode === "RECOVERY" && !recoveryAllowList.includes(meta.planId)) {
      throw new RecoveryNotAllowedError(meta.planId, [
        "the plan is not on this server's RECOVERY allow-list (its operator sets it with --allow-recovery or " +
          "MCP_RECOVERY_ALLOWED_PLANS); resuming a real recovery launches production instances",
      ]);
    }
    const resumed = await resumeRecovery(
      engine,
      { executionId, requestedBy: caller, reason, ...(skipFailed !== undefined && { skipFailed }) },
      now(),
    );
    const skip = resumed.skipFailed ? ", accepting the stopped wave's failed servers" : "";
    return {
      result: resumed,
      text: resumed.alreadyStarted
        ? `${resumed.mode} ${executionId} was resumed as attempt ${resumed.attempt} by ${resumed.requestedBy} at the same time${skip}. Follow it with get_recovery_status.`
        : `${resumed.mode} ${executionId} resumed by ${caller} as attempt ${resumed.attempt}${skip}. Follow it with get_recovery_status.`,
    };
  },
});
