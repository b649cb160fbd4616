/** The app's DynamoDB tables: both are pk/sk string keys, on demand. */
export interface TableSpec {
  /** Suffix of the physical name and the key of the engine's table environment variable. */
  name: "plans" | "executions";
  envVar: "PLANS_TABLE" | "EXECUTIONS_TABLE";
  partitionKey: "pk";
  sortKey: "sk";
}

export const TABLES: readonly TableSpec[] = [
  { name: "plans", envVar: "PLANS_TABLE", partitionKey: "pk", sortKey: "sk" },
  { name: "executions", envVar: "EXECUTIONS_TABLE", partitionKey: "pk", sortKey: "sk" },
];
