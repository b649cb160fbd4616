import { randomBytes, randomUUID } from "node:crypto";
import type { z } from "zod";
import type { SimClock } from "../clock/sim-clock";
import type { LocalRequest, LocalResponse, ServiceHandler } from "../runtime/contracts";
import {
  createSecretRequest,
  describeSecretRequest,
  getSecretValueRequest,
  putSecretValueRequest,
} from "./secrets-requests";

export interface SecretsManagerEmulator extends ServiceHandler {
  /** Creates a secret directly, e.g. to seed hook credentials before a run; returns its ARN. */
  seed(name: string, secretString: string): string;
}

interface SecretVersion {
  id: string;
  secretString?: string;
  secretBinary?: string;
  createdMs: number;
  stages: Set<string>;
}

interface Secret {
  name: string;
  arn: string;
  description?: string;
  kmsKeyId?: string;
  tags: { Key: string; Value: string }[];
  createdMs: number;
  lastChangedMs: number;
  lastAccessedMs?: number;
  versions: Map<string, SecretVersion>;
}

class SecretsApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

const CURRENT = "AWSCURRENT";
const PREVIOUS = "AWSPREVIOUS";
const CONTENT_TYPE = "application/x-amz-json-1.1";
const SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * The local Secrets Manager (awsJson1_1, `secretsmanager.<Op>`): CreateSecret, PutSecretValue,
 * GetSecretValue and DescribeSecret with versions and the AWSCURRENT / AWSPREVIOUS staging labels.
 * Secrets are held in memory, unencrypted.
 */
export function createSecretsManagerEmulator(options: {
  clock: SimClock;
  accountId: string;
  region: string;
}): SecretsManagerEmulator {
  const { clock, accountId, region } = options;
  const secrets = new Map<string, Secret>();

  function find(secretId: string): Secret {
    const secret = secretId.startsWith("arn:")
      ? [...secrets.values()].find(
          (candidate) => candidate.arn === secretId || candidate.arn.slice(0, -7) === secretId,
        )
      : secrets.get(secretId);
    if (!secret)
      throw new SecretsApiError(
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret.",
      );
    return secret;
  }

  function createSecret(input: z.output<typeof createSecretRequest>) {
    if (secrets.has(input.Name)) {
      throw new SecretsApiError(
        "ResourceExistsException",
        `The operation failed because the secret ${input.Name} already exists.`,
      );
    }
    requireOneValue(input.SecretString, input.SecretBinary, false);
    const suffix = Array.from(randomBytes(6), (byte) => SUFFIX_ALPHABET[byte % SUFFIX_ALPHABET.length]).join(
      "",
    );
    const now = clock.nowMs();
    const secret: Secret = {
      name: input.Name,
      arn: `arn:aws:secretsmanager:${region}:${accountId}:secret:${input.Name}-${suffix}`,
      tags: input.Tags ?? [],
      createdMs: now,
      lastChangedMs: now,
      versions: new Map(),
    };
    if (input.Description !== undefined) secret.description = input.Description;
    if (input.KmsKeyId !== undefined) secret.kmsKeyId = input.KmsKeyId;
    secrets.set(secret.name, secret);
    if (input.SecretString === undefined && input.SecretBinary === undefined)
      return { ARN: secret.arn, Name: secret.name };
    const version = addVersion(secret, input.ClientRequestToken, input.SecretString, input.SecretBinary, [
      CURRENT,
    ]);
    return { ARN: secret.arn, Name: secret.name, VersionId: version.id };
  }

  function addVersion(
    secret: Secret,
    token: string | undefined,
    secretString: string | undefined,
    secretBinary: string | undefined,
    stages: string[],
  ): SecretVersion {
    const id = token ?? randomUUID();
    const existing = secret.versions.get(id);
    if (existing) {
      if (existing.secretString === secretString && existing.secretBinary === secretBinary) return existing;
      throw new SecretsApiError(
        "ResourceExistsException",
        "You can't modify an existing version, you can only create a new version.",
      );
    }
    const version: SecretVersion = { id, createdMs: clock.nowMs(), stages: new Set() };
    if (secretString !== undefined) version.secretString = secretString;
    if (secretBinary !== undefined) version.secretBinary = secretBinary;
    for (const stage of stages) {
      const holder = [...secret.versions.values()].find((other) => other.stages.has(stage));
      holder?.stages.delete(stage);
      if (holder && stage === CURRENT) {
        // The version losing AWSCURRENT becomes AWSPREVIOUS, taking that label from its holder.
        for (const other of secret.versions.values()) other.stages.delete(PREVIOUS);
        holder.stages.add(PREVIOUS);
      }
      version.stages.add(stage);
    }
    secret.versions.set(id, version);
    secret.lastChangedMs = clock.nowMs();
    return version;
  }

  const operations: Record<string, (body: unknown) => unknown> = {
    CreateSecret: (body) => createSecret(parse(createSecretRequest, body)),
    PutSecretValue(body) {
      const input = parse(putSecretValueRequest, body);
      const secret = find(input.SecretId);
      requireOneValue(input.SecretString, input.SecretBinary, true);
      const version = addVersion(
        secret,
        input.ClientRequestToken,
        input.SecretString,
        input.SecretBinary,
        input.VersionStages ?? [CURRENT],
      );
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: version.id,
        VersionStages: [...version.stages],
      };
    },
    GetSecretValue(body) {
      const input = parse(getSecretValueRequest, body);
      const secret = find(input.SecretId);
      const stage = input.VersionStage ?? (input.VersionId === undefined ? CURRENT : undefined);
      const version = input.VersionId
        ? secret.versions.get(input.VersionId)
        : [...secret.versions.values()].find((candidate) => candidate.stages.has(stage as string));
      if (!version || (stage !== undefined && !version.stages.has(stage))) {
        const which = input.VersionId ? `VersionId: ${input.VersionId}` : `staging label: ${stage}`;
        throw new SecretsApiError(
          "ResourceNotFoundException",
          `Secrets Manager can't find the specified secret value for ${which}`,
        );
      }
      secret.lastAccessedMs = startOfDay(clock.nowMs());
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: version.id,
        SecretString: version.secretString,
        SecretBinary: version.secretBinary,
        VersionStages: [...version.stages],
        CreatedDate: version.createdMs / 1000,
      };
    },
    DescribeSecret(body) {
      const secret = find(parse(describeSecretRequest, body).SecretId);
      return {
        ARN: secret.arn,
        Name: secret.name,
        Description: secret.description,
        KmsKeyId: secret.kmsKeyId,
        Tags: secret.tags,
        CreatedDate: secret.createdMs / 1000,
        LastChangedDate: secret.lastChangedMs / 1000,
        LastAccessedDate: secret.lastAccessedMs === undefined ? undefined : secret.lastAccessedMs / 1000,
        VersionIdsToStages: Object.fromEntries(
          [...secret.versions.values()]
            .filter((version) => version.stages.size > 0)
            .map((version) => [version.id, [...version.stages]]),
        ),
      };
    },
  };

  return {
    signingName: "secretsmanager",
    async handle(request: LocalRequest): Promise<LocalResponse> {
      try {
        const target = request.headers["x-amz-target"] ?? "";
        const operation = target.startsWith("secretsmanager.") ? target.slice("secretsmanager.".length) : "";
        const run = operations[operation];
        if (request.method !== "POST" || !run) {
          throw new SecretsApiError(
            "UnknownOperationException",
            `${target || "(no X-Amz-Target)"} is not emulated by the local Secrets Manager`,
          );
        }
        let body: unknown;
        try {
          body = request.body.length === 0 ? {} : JSON.parse(request.body.toString("utf8"));
        } catch {
          throw new SecretsApiError("SerializationException", "the request body is not valid JSON");
        }
        return {
          status: 200,
          headers: { "content-type": CONTENT_TYPE, "x-amzn-requestid": randomUUID() },
          body: JSON.stringify(run(body)),
        };
      } catch (error) {
        if (!(error instanceof SecretsApiError)) throw error;
        return {
          status: 400,
          headers: {
            "content-type": CONTENT_TYPE,
            "x-amzn-errortype": error.type,
            "x-amzn-requestid": randomUUID(),
          },
          body: JSON.stringify({ __type: error.type, message: error.message }),
        };
      }
    },
    seed(name, secretString) {
      return createSecret({ Name: name, SecretString: secretString }).ARN;
    },
  };
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`,
  );
  throw new SecretsApiError("InvalidParameterException", `Invalid parameters: ${problems.join("; ")}`);
}

function requireOneValue(
  secretString: string | undefined,
  secretBinary: string | undefined,
  required: boolean,
) {
  if (secretString !== undefined && secretBinary !== undefined) {
    throw new SecretsApiError(
      "InvalidParameterException",
      "You can't specify both a binary secret value and a string secret value in the same secret.",
    );
  }
  if (required && secretString === undefined && secretBinary === undefined) {
    throw new SecretsApiError(
      "InvalidParameterException",
      "You must provide either SecretString or SecretBinary.",
    );
  }
}

/** Secrets Manager reports LastAccessedDate to the day. */
function startOfDay(ms: number): number {
  return ms - (ms % 86_400_000);
}
