import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimClock } from "../../packages/local/src/clock/sim-clock";
import { type Gateway, startGateway } from "../../packages/local/src/gateway/gateway";
import {
  createSecretsManagerEmulator,
  type SecretsManagerEmulator,
} from "../../packages/local/src/secrets/secrets-manager-emulator";

const ACCOUNT = "111122223333";
const REGION = "us-east-1";

let clock: SimClock;
let secrets: SecretsManagerEmulator;
let gateway: Gateway;
let client: SecretsManagerClient;

beforeAll(async () => {
  clock = new SimClock({ speed: 60, start: new Date("2026-11-21T10:00:00Z") });
  secrets = createSecretsManagerEmulator({ clock, accountId: ACCOUNT, region: REGION });
  gateway = await startGateway({ handlers: [secrets] });
  client = new SecretsManagerClient({
    endpoint: gateway.endpoint,
    region: REGION,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
});

afterAll(async () => {
  client.destroy();
  await gateway.close();
  clock.stop();
});

describe("Secrets Manager", () => {
  it("creates a secret and reads it by name and by ARN", async () => {
    const created = await client.send(
      new CreateSecretCommand({
        Name: "hooks/incidents",
        SecretString: '{"token":"t-1"}',
        Description: "MCP token",
      }),
    );
    expect(created.ARN).toMatch(
      new RegExp(`^arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:hooks/incidents-[A-Za-z0-9]{6}$`),
    );
    expect(created.VersionId).toMatch(/^[0-9a-f-]{36}$/);

    const byName = await client.send(new GetSecretValueCommand({ SecretId: "hooks/incidents" }));
    expect(byName).toMatchObject({
      ARN: created.ARN,
      Name: "hooks/incidents",
      SecretString: '{"token":"t-1"}',
      VersionId: created.VersionId,
      VersionStages: ["AWSCURRENT"],
    });
    expect(byName.CreatedDate).toBeInstanceOf(Date);
    const byArn = await client.send(new GetSecretValueCommand({ SecretId: created.ARN }));
    expect(byArn.SecretString).toBe('{"token":"t-1"}');
  });

  it("moves AWSCURRENT to a new version and keeps the old one as AWSPREVIOUS", async () => {
    await client.send(new CreateSecretCommand({ Name: "rotating", SecretString: "v1" }));
    const second = await client.send(new PutSecretValueCommand({ SecretId: "rotating", SecretString: "v2" }));
    expect(second.VersionStages).toEqual(["AWSCURRENT"]);
    const third = await client.send(new PutSecretValueCommand({ SecretId: "rotating", SecretString: "v3" }));

    expect((await client.send(new GetSecretValueCommand({ SecretId: "rotating" }))).SecretString).toBe("v3");
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: "rotating", VersionStage: "AWSPREVIOUS" }),
    );
    expect(previous).toMatchObject({
      SecretString: "v2",
      VersionId: second.VersionId,
      VersionStages: ["AWSPREVIOUS"],
    });
    const described = await client.send(new DescribeSecretCommand({ SecretId: "rotating" }));
    expect(described.VersionIdsToStages).toEqual({
      [second.VersionId as string]: ["AWSPREVIOUS"],
      [third.VersionId as string]: ["AWSCURRENT"],
    });
    expect(described.LastAccessedDate?.toISOString()).toBe("2026-11-21T00:00:00.000Z");
  });

  it("is idempotent on ClientRequestToken and refuses to change an existing version", async () => {
    await client.send(new CreateSecretCommand({ Name: "idempotent", SecretString: "a" }));
    const token = "11111111-2222-3333-4444-555555555555";
    const first = await client.send(
      new PutSecretValueCommand({ SecretId: "idempotent", SecretString: "b", ClientRequestToken: token }),
    );
    const again = await client.send(
      new PutSecretValueCommand({ SecretId: "idempotent", SecretString: "b", ClientRequestToken: token }),
    );
    expect(again.VersionId).toBe(first.VersionId);
    expect(first.VersionId).toBe(token);
    await expect(
      client.send(
        new PutSecretValueCommand({ SecretId: "idempotent", SecretString: "c", ClientRequestToken: token }),
      ),
    ).rejects.toBeInstanceOf(ResourceExistsException);
  });

  it("stores binary secrets", async () => {
    const bytes = Uint8Array.from([0, 1, 2, 250]);
    await client.send(new CreateSecretCommand({ Name: "binary", SecretBinary: bytes }));
    const value = await client.send(new GetSecretValueCommand({ SecretId: "binary" }));
    expect(value.SecretString).toBeUndefined();
    expect(Array.from(value.SecretBinary ?? [])).toEqual([0, 1, 2, 250]);
  });

  it("answers missing secrets, missing stages and bad requests with the service's errors", async () => {
    await expect(client.send(new GetSecretValueCommand({ SecretId: "nope" }))).rejects.toSatisfy(
      (error) =>
        error instanceof ResourceNotFoundException &&
        error.message === "Secrets Manager can't find the specified secret.",
    );
    await client.send(new CreateSecretCommand({ Name: "empty" }));
    await expect(client.send(new GetSecretValueCommand({ SecretId: "empty" }))).rejects.toMatchObject({
      name: "ResourceNotFoundException",
      message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    });
    await expect(
      client.send(new CreateSecretCommand({ Name: "empty", SecretString: "x" })),
    ).rejects.toBeInstanceOf(ResourceExistsException);
    await expect(
      client.send(
        new CreateSecretCommand({ Name: "both", SecretString: "x", SecretBinary: Uint8Array.from([1]) }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(client.send(new PutSecretValueCommand({ SecretId: "empty" }))).rejects.toMatchObject({
      name: "InvalidParameterException",
      message: "You must provide either SecretString or SecretBinary.",
    });
  });

  it("seeds secrets for the runtime's own setup", async () => {
    const arn = secrets.seed("seeded", "s3cret");
    const value = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    expect(value).toMatchObject({ Name: "seeded", SecretString: "s3cret" });
  });
});
