/**
 * The seams between the emulators of the local runtime. The gateway parses HTTP once and hands a
 * LocalRequest to the service named by the request's SigV4 credential scope; emulators talk to
 * each other only through the interfaces below, never by importing one another.
 */

export interface LocalRequest {
  method: string;
  /** Path without the query string, still percent-encoded. */
  path: string;
  query: URLSearchParams;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: Buffer;
  /** SigV4 credential-scope service name, e.g. `drs`, `ec2`, `states`, `events`. */
  service: string;
  region: string;
}

export interface LocalResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface ServiceHandler {
  /** The SigV4 signing name this handler answers for. */
  readonly signingName: string;
  handle(request: LocalRequest): Promise<LocalResponse>;
}

/** An event as EventBridge delivers it to targets. */
export interface BusEvent {
  version: "0";
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** What a producer hands to the bus; the bus fills in version, id, account, region and time. */
export interface BusEventInput {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  resources?: string[];
  /** ISO-8601; defaults to the simulated now. */
  time?: string;
  eventBusName?: string;
}

export interface EventPublisher {
  publish(event: BusEventInput): Promise<void>;
}

/** Thrown by LambdaInvoker.invoke when the handler throws: carries the error name Step Functions matches. */
export interface LambdaFunctionError extends Error {
  errorType: string;
}

export interface LambdaInvoker {
  /** Invokes a registered function by name or ARN; rejects with a LambdaFunctionError when the handler throws. */
  invoke(functionNameOrArn: string, payload: unknown): Promise<unknown>;
}

export interface StateMachineStarter {
  startExecution(input: {
    stateMachineArn: string;
    input: string;
    name?: string;
  }): Promise<{ executionArn: string }>;
}
