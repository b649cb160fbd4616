export * from "./common/duration";
export * from "./fleet/fleet-schema";
export * from "./plan/plan-schema";
