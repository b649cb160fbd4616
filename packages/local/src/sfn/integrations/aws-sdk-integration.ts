import { TaskFailure } from "../run/task-failure";
import { type MapMembers, toServiceMembers, toStatesMembers } from "./member-case";
import { sdkOutputToJson } from "./sdk-output-json";

interface SdkClient {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  destroy(): void;
}
type SdkModule = Record<string, unknown>;

interface ServiceEntry {
  load: () => Promise<SdkModule>;
  client: string;
  /** How error names are prefixed: `Drs.ConflictException`. */
  errorPrefix: string;
  /** Set for services whose SDK members are camelCase; the integration speaks PascalCase. */
  camelCaseMembers?: MapMembers;
}

/** The services `arn:aws:states:::aws-sdk:<service>:<action>` can call locally. */
const SERVICES: Readonly<Record<string, ServiceEntry>> = {
  drs: {
    load: async () => (await import("@aws-sdk/client-drs")) as unknown as SdkModule,
    client: "DrsClient",
    errorPrefix: "Drs",
    camelCaseMembers: {
      tags: "opaque",
      stagingAreaTags: "opaque",
      volumeToConversionMap: "opaque",
      volumeToVolumeSize: "opaque",
      volumeToProductCodes: "values",
      parameters: "values",
    },
  },
  ec2: {
    load: async () => (await import("@aws-sdk/client-ec2")) as unknown as SdkModule,
    client: "EC2Client",
    errorPrefix: "Ec2",
  },
  dynamodb: {
    load: async () => (await import("@aws-sdk/client-dynamodb")) as unknown as SdkModule,
    client: "DynamoDBClient",
    errorPrefix: "DynamoDb",
  },
  sfn: {
    load: async () => (await import("@aws-sdk/client-sfn")) as unknown as SdkModule,
    client: "SFNClient",
    errorPrefix: "Sfn",
    camelCaseMembers: { variableReferences: "opaque", assignedVariables: "opaque" },
  },
  eventbridge: {
    load: async () => (await import("@aws-sdk/client-eventbridge")) as unknown as SdkModule,
    client: "EventBridgeClient",
    errorPrefix: "EventBridge",
  },
  secretsmanager: {
    load: async () => (await import("@aws-sdk/client-secrets-manager")) as unknown as SdkModule,
    client: "SecretsManagerClient",
    errorPrefix: "SecretsManager",
  },
};

/**
 * `aws-sdk:` tasks call the local services through the official SDK clients at the runtime's endpoint,
 * with parameter names, results and error names shaped as the real integration shapes them.
 */
export class AwsSdkIntegration {
  private readonly clients = new Map<string, Promise<{ module: SdkModule; client: SdkClient }>>();

  constructor(private readonly options: { endpoint: () => string; region: string }) {}

  /** Why `aws-sdk:<service>:<action>` cannot be called, or undefined; AWS checks this when a state machine is created. */
  async problem(service: string, action: string): Promise<string | undefined> {
    const entry = SERVICES[service];
    if (!entry)
      return `aws-sdk service "${service}" is not supported locally; use one of ${Object.keys(SERVICES).join(", ")}`;
    const module = await entry.load();
    if (typeof module[commandName(action)] !== "function")
      return `"${action}" is not an action of aws-sdk:${service}`;
    return undefined;
  }

  async call(service: string, action: string, parameters: unknown, signal: AbortSignal): Promise<unknown> {
    const entry = SERVICES[service];
    if (!entry)
      throw new TaskFailure("States.Runtime", `aws-sdk service "${service}" is not supported locally`);
    const { module, client } = await this.client(service, entry);
    const Command = module[commandName(action)] as new (input: unknown) => unknown;
    const input = entry.camelCaseMembers
      ? toServiceMembers(parameters ?? {}, entry.camelCaseMembers)
      : (parameters ?? {});
    let output: unknown;
    try {
      output = await client.send(new Command(input), { abortSignal: signal });
    } catch (error) {
      if (signal.aborted) throw error;
      throw sdkFailure(entry.errorPrefix, error);
    }
    const json = sdkOutputToJson(output);
    return entry.camelCaseMembers ? toStatesMembers(json, entry.camelCaseMembers) : json;
  }

  async destroy(): Promise<void> {
    const loaded = await Promise.allSettled(this.clients.values());
    for (const result of loaded) if (result.status === "fulfilled") result.value.client.destroy();
    this.clients.clear();
  }

  private client(service: string, entry: ServiceEntry) {
    let loaded = this.clients.get(service);
    if (!loaded) {
      loaded = entry.load().then((module) => {
        const Client = module[entry.client] as new (config: unknown) => SdkClient;
        const client = new Client({
          endpoint: this.options.endpoint(),
          region: this.options.region,
          credentials: { accessKeyId: "local", secretAccessKey: "local" },
          // The integration reports a service error to the state machine, whose Retry decides.
          maxAttempts: 1,
        });
        return { module, client };
      });
      this.clients.set(service, loaded);
    }
    return loaded;
  }
}

function commandName(action: string): string {
  return `${action.charAt(0).toUpperCase()}${action.slice(1)}Command`;
}

function sdkFailure(prefix: string, error: unknown): TaskFailure {
  const failure = error as {
    name?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number; requestId?: string };
  };
  const name = failure.name ?? "ServiceException";
  const status = failure.$metadata?.httpStatusCode ?? 0;
  const requestId = failure.$metadata?.requestId ?? "";
  return new TaskFailure(
    `${prefix}.${name}`,
    `${failure.message ?? String(error)} (Service: ${prefix}, Status Code: ${status}, Request ID: ${requestId})`,
  );
}
