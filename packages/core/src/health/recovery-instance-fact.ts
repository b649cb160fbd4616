import type { RecoveryInstanceSeen } from "../readiness/live-recovery-instances";

/** A recovery instance on one of the plan's servers (DescribeRecoveryInstances), traced to its execution. */
export interface RecoveryInstanceFact extends RecoveryInstanceSeen {
  /** The execution whose launch job started it, when the executions table knows that job. */
  executionId?: string;
  /** That execution is still running: its drill instances are in use, not left over. */
  executionRunning?: boolean;
}
