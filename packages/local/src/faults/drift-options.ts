import { sourceServerIdSchema } from "@drs-orchestrator/core";
import { z } from "zod";

/**
 * What someone changed in the account behind the plans' back, in place when the runtime starts:
 * resources deleted and launch templates edited by hand. Plan health finds each of them.
 */
export const driftOptionsSchema = z.strictObject({
  /** These subnets are gone: DescribeSubnets leaves them out, launches into them fail. */
  deleteSubnets: z.array(z.string().min(1)).min(1).optional(),
  /** These security groups are gone. */
  deleteSecurityGroups: z.array(z.string().min(1)).min(1).optional(),
  /** These IAM instance profiles are gone: GetInstanceProfile answers NoSuchEntity. */
  deleteInstanceProfiles: z.array(z.string().min(1)).min(1).optional(),
  /**
   * The launch templates of these source servers get a version made by hand, and their default
   * stays behind it: the default is no longer the latest.
   */
  moveTemplateDefault: z.array(sourceServerIdSchema).min(1).optional(),
});
export type DriftOptions = z.input<typeof driftOptionsSchema>;
export type ParsedDriftOptions = z.output<typeof driftOptionsSchema>;
