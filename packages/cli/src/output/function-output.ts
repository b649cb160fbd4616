export type FunctionLogLevel = "WARN" | "ERROR";

/**
 * What the app's functions print while they run inside this process on the local runtime: logs
 * from `level` up (Powertools writes warnings and errors to standard error) and no EMF metrics,
 * which would go to standard output and reach no CloudWatch here. Powertools reads these settings
 * when a function's module loads (a Lambda's init), so they are put into the environment here,
 * before the app is imported; pass the returned variables to the deployment as well, so each
 * function's own environment agrees with the process's.
 */
export function quietFunctionOutput(level: FunctionLogLevel): Record<string, string> {
  const settings = { POWERTOOLS_LOG_LEVEL: level, POWERTOOLS_METRICS_DISABLED: "true" };
  Object.assign(process.env, settings);
  return settings;
}
