import { z } from "zod";

/** DRS launch quotas. Public figures disagree, so each is configurable; defaults are the user guide's. */
export const drsQuotasSchema = z.strictObject({
  /** Source servers in one job (the API itself refuses more than 200 with a ValidationException). */
  maxServersPerJob: z.number().int().min(1).max(200).default(100),
  /** Jobs in progress at once, launch and terminate alike. */
  maxConcurrentJobs: z.number().int().min(1).default(20),
  /** Source servers across all jobs in progress. */
  maxServersInActiveJobs: z.number().int().min(1).default(500),
});
export type DrsQuotas = z.output<typeof drsQuotasSchema>;

export interface QuotaViolation {
  quotaCode: string;
  message: string;
}

/** Which quota a new job of `servers` servers would break, given the jobs in progress; undefined when none. */
export function quotaViolation(
  servers: number,
  active: { jobs: number; servers: number },
  quotas: DrsQuotas,
): QuotaViolation | undefined {
  if (servers > quotas.maxServersPerJob) {
    return {
      quotaCode: "MaxSourceServersPerJob",
      message: `A job may include at most ${quotas.maxServersPerJob} source servers; this request has ${servers}. Split it into several jobs.`,
    };
  }
  if (active.jobs + 1 > quotas.maxConcurrentJobs) {
    return {
      quotaCode: "MaxConcurrentJobs",
      message: `At most ${quotas.maxConcurrentJobs} jobs may be in progress at once and ${active.jobs} are. Wait for one to complete.`,
    };
  }
  if (active.servers + servers > quotas.maxServersInActiveJobs) {
    return {
      quotaCode: "MaxSourceServersInAllActiveJobs",
      message: `At most ${quotas.maxServersInActiveJobs} source servers may be in jobs in progress; ${active.servers} are and this request adds ${servers}.`,
    };
  }
  return undefined;
}
