import { resourceName } from "../packages/app/src/resources/app-names";

/** Physical name in this stage, the same as on the local runtime. */
export const physicalName = (name: string) => resourceName($app.stage, name);

/** Pulumi logical name: `apply-launch-settings` → `ApplyLaunchSettings`. */
export const logicalName = (name: string) =>
  name.replace(/(^|[^a-zA-Z0-9]+)([a-zA-Z0-9])/g, (_, _sep: string, c: string) => c.toUpperCase());
