import { TABLES, type TableSpec } from "../packages/app/src/resources/tables";
import { logicalName, physicalName } from "./names";

export type Tables = Record<TableSpec["name"], sst.aws.Dynamo>;

/**
 * The app's DynamoDB tables (pk/sk, on demand, point-in-time recovery always on in SST's Dynamo).
 * No TTL: execution items are the recovery record and locks are released explicitly, so nothing
 * written today is meant to expire. Production tables refuse deletion; `removal: retain` in
 * sst.config.ts keeps them when a production stage is removed.
 */
export function storage(): Tables {
  const production = $app.stage === "prod";
  const entries = TABLES.map((table) => [
    table.name,
    new sst.aws.Dynamo(`${logicalName(table.name)}Table`, {
      fields: { [table.partitionKey]: "string", [table.sortKey]: "string" },
      primaryIndex: { hashKey: table.partitionKey, rangeKey: table.sortKey },
      deletionProtection: production,
      transform: { table: { name: physicalName(table.name) } },
    }),
  ]);
  return Object.fromEntries(entries) as Tables;
}
