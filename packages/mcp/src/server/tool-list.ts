import { approveWave } from "../tools/approve-wave";
import { cancelRecoveryTool } from "../tools/cancel-recovery";
import { checkRecoveryPlan } from "../tools/check-recovery-plan";
import { cleanupDrill } from "../tools/cleanup-drill";
import { describeSourceServers } from "../tools/describe-source-servers";
import { getRecoveryPlan } from "../tools/get-recovery-plan";
import { getRecoveryStatusTool } from "../tools/get-recovery-status";
import { listRecoveriesTool } from "../tools/list-recoveries";
import { listRecoveryPlans } from "../tools/list-recovery-plans";
import { rejectWave } from "../tools/reject-wave";
import { resumeRecoveryTool } from "../tools/resume-recovery";
import { startRecoveryTool } from "../tools/start-recovery";
import { validateRecoveryPlan } from "../tools/validate-recovery-plan";
import type { RecoveryTool } from "./recovery-tool";

/** Every tool of the recovery server, in the order a runbook uses them. */
export const RECOVERY_TOOLS: readonly RecoveryTool[] = [
  listRecoveryPlans,
  getRecoveryPlan,
  describeSourceServers,
  validateRecoveryPlan,
  checkRecoveryPlan,
  startRecoveryTool,
  getRecoveryStatusTool,
  listRecoveriesTool,
  approveWave,
  rejectWave,
  cancelRecoveryTool,
  resumeRecoveryTool,
  cleanupDrill,
];
