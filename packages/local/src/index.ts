export * from "./clock/sim-clock";
export * from "./drs/drs-emulator";
export * from "./dynamodb/dynamodb-service";
export * from "./ec2/ec2-emulator";
export * from "./events/event-pattern";
export * from "./events/eventbridge-emulator";
export * from "./events/input-transformer";
export * from "./faults/apply-faults-file";
export * from "./faults/drift-options";
export * from "./faults/fault-options";
export * from "./faults/faults-file-schema";
export * from "./fleet/generate-fleet";
export * from "./gateway/gateway";
export * from "./iam/iam-emulator";
export * from "./lambda/function-url-server";
export * from "./lambda/lambda-context";
export * from "./lambda/lambda-errors";
export * from "./lambda/lambda-invoke-api";
export * from "./lambda/lambda-runtime";
export type {
  BusEvent,
  BusEventInput,
  EventPublisher,
  LambdaInvoker,
  LocalRequest,
  LocalResponse,
  ServiceHandler,
  StateMachineStarter,
} from "./runtime/contracts";
export * from "./secrets/secrets-manager-emulator";
export * from "./sfn/step-functions-emulator";
export * from "./start-local-aws";
