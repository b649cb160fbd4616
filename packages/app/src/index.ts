export * from "./infra";
export * from "./local/deploy-local-app";
export * from "./resources/app-names";
export * from "./resources/functions";
export * from "./resources/rules";
export * from "./resources/tables";
