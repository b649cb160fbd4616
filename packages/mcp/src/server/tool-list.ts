import { approveWave } from "../tools/approve-wave";
import { cleanupDrill } from "../tools/cleanup-drill";
import { getRecoveryPlan } from "../tools/get-recovery-plan";
import { listRecoveryPlans } from "../tools/list-recovery-plans";
import { rejectWave } from "../tools/reject-wave";
import { startRecoveryTool } from "../tools/start-recovery";
import type { RecoveryTool } from "./recovery-tool";

/** Every tool of the recovery server, in the order a runbook uses them. */
export const RECOVERY_TOOLS: readonly RecoveryTool[] = [
  listRecoveryPlans,
  getRecoveryPlan,
  startRecoveryTool,
  approveWave,
  rejectWave,
  cleanupDrill,
];
