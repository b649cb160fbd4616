import { startRecovery } from "@drs-orchestrator/engine";
import { z } from "zod";
import { defineTool } from "../server/recovery-tool";
import { planIdArgument, requiredText, toolArguments } from "../server/tool-arguments";
import { RecoveryNotAllowedError } from "../server/tool-refusal";

const recoveryMode = z.enum(["DRILL", "RECOVERY"]);

export const startRecoveryTool = defineTool({
  name: "start_recovery",
  title: "Start a recovery (drill by default)",
  description:
    "Starts a recovery of a stored plan, wave by wave, and returns its executionId at once; follow it with " +
    "get_recovery_status. The default mode DRILL launches isolated drill instances from DRS and is cleaned up " +
    "afterwards (cleanup_drill, or the plan's drill.cleanupAfter). Mode RECOVERY launches the production " +
    "instances of a real disaster recovery: it runs only for a plan on this server's RECOVERY allow-list and " +
    "with confirm set to the plan ID. Either mode sets the DRS launch settings and EC2 launch template default " +
    "versions the plan asks for and runs the plan's hooks. Run validate_recovery_plan first to see the waves and " +
    "any server that is not ready. A DRILL needs healthy replication within the plan's RPO; a RECOVERY launches " +
    "every server DRS holds a point-in-time snapshot for, whatever its replication state (the source may be " +
    "down). asOf recovers each server as it was at that time (its newest snapshot at or before it), e.g. before a " +
    "ransomware attack. A RECOVERY is refused over servers still running the recovery instance of an earlier " +
    "recovery unless replaceExisting is true. Each call starts a new execution unless idempotencyKey repeats an earlier " +
    "call's, which answers that call's execution. Refused while another execution of the plan runs.",
  inputSchema: toolArguments({
    planId: planIdArgument,
    mode: recoveryMode
      .default("DRILL")
      .describe("DRILL (default): isolated drill instances. RECOVERY: a real recovery, needs confirm."),
    reason: requiredText('say why this recovery runs, e.g. "monthly DR drill"').describe(
      "Why this recovery runs; kept with the execution and shown in its report.",
    ),
    confirm: z
      .string({ error: "expected a string: the plan ID, to confirm a real recovery" })
      .optional()
      .describe("For mode RECOVERY only: the plan ID again, to confirm a real recovery."),
    idempotencyKey: z
      .string({ error: "expected a string: any value you repeat to get the same execution back" })
      .min(1, { error: "must not be empty: leave it out, or give any value you repeat" })
      .max(256, { error: "must have at most 256 characters" })
      .optional()
      .describe("Any value; a repeat of the call with the same key returns the same execution."),
    asOf: z
      .string({ error: "expected an ISO-8601 date-time with a time zone, e.g. 2026-11-21T08:00:00Z" })
      .optional()
      .describe(
        "Recover each server as it was at this time (ISO-8601 with a time zone, not in the future): from its " +
          "newest point-in-time snapshot taken at or before it. Servers without one are not ready.",
      ),
    replaceExisting: z
      .boolean({ error: "expected true or false" })
      .optional()
      .describe(
        "For mode RECOVERY only: replace the running recovery instances an earlier recovery launched for these " +
          "servers (DRS replaces a server's recovery instance on launch). Without it such a recovery is refused.",
      ),
  }),
  outputSchema: z.object({
    executionId: z.string().describe("Pass it to get_recovery_status, approve_wave, cancel_recovery, …"),
    executionArn: z.string(),
    planId: z.string(),
    planVersion: z.number().int().describe("The plan version the execution runs, pinned at start."),
    mode: recoveryMode,
    requestedBy: z.string().describe("Who the execution records as having started it."),
    alreadyStarted: z
      .boolean()
      .describe("True when idempotencyKey found an execution an earlier call started."),
    preemptedDrill: z
      .string()
      .optional()
      .describe("The running drill of the plan this RECOVERY stopped to take the plan (it ends ABORTED)."),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  async run(
    { planId, mode, reason, confirm, idempotencyKey, asOf, replaceExisting },
    { engine, recoveryAllowList, caller, now },
  ) {
    if (mode === "RECOVERY") {
      const missing = [
        ...(recoveryAllowList.includes(planId)
          ? []
          : [
              "the plan is not on this server's RECOVERY allow-list (its operator sets it with --allow-recovery " +
                "or MCP_RECOVERY_ALLOWED_PLANS); a DRILL needs no allow-list",
            ]),
        ...(confirm === planId ? [] : [`confirm must equal the plan ID: set confirm to "${planId}"`]),
      ];
      if (missing.length > 0) throw new RecoveryNotAllowedError(planId, missing);
    }
    const started = await startRecovery(
      {
        planId,
        mode,
        reason,
        requestedBy: caller,
        ...(confirm !== undefined && { confirm }),
        ...(idempotencyKey !== undefined && { idempotencyKey }),
        ...(asOf !== undefined && { asOf }),
        ...(replaceExisting !== undefined && { replaceExisting }),
      },
      engine,
      now(),
    );
    const what = `${started.mode} of ${started.planId} v${started.planVersion}`;
    return {
      result: { ...started, requestedBy: caller },
      text: started.alreadyStarted
        ? `${what} was already started with this idempotencyKey: execution ${started.executionId}`
        : `${what} started by ${caller}: execution ${started.executionId}.${
            started.preemptedDrill === undefined
              ? ""
              : ` It pre-empted drill ${started.preemptedDrill} (stopped).`
          } Follow it with get_recovery_status.`,
    };
  },
});
