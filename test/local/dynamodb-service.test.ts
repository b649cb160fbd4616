import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDynamoDbService,
  type DynamoDbService,
} from "../../packages/local/src/dynamodb/dynamodb-service";
import { type Gateway, startGateway } from "../../packages/local/src/gateway/gateway";

const ACCOUNT = "111122223333";
const REGION = "eu-central-1";

let service: DynamoDbService;
let gateway: Gateway;
let client: DynamoDBClient;

beforeAll(async () => {
  service = createDynamoDbService({ accountId: ACCOUNT, region: REGION });
  gateway = await startGateway({ handlers: [service] });
  client = new DynamoDBClient({
    endpoint: gateway.endpoint,
    region: REGION,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  await client.send(
    new CreateTableCommand({
      TableName: "executions",
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
    }),
  );
});

afterAll(async () => {
  client.destroy();
  service.stop();
  await gateway.close();
});

describe("DynamoDB (dynalite behind the gateway)", () => {
  it("creates tables that are ACTIVE at once, with this account and region in the ARN", async () => {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: "executions" }));
    expect(Table?.TableStatus).toBe("ACTIVE");
    expect(Table?.TableArn).toBe(`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/executions`);
  });

  it("honours conditional writes", async () => {
    const item = { pk: { S: "exec#1" }, sk: { S: "meta" }, status: { S: "RUNNING" } };
    await client.send(
      new PutItemCommand({
        TableName: "executions",
        Item: item,
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    await expect(
      client.send(
        new PutItemCommand({
          TableName: "executions",
          Item: item,
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    await expect(
      client.send(
        new UpdateItemCommand({
          TableName: "executions",
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: "SET #s = :done",
          ConditionExpression: "#s = :expected",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":done": { S: "SUCCEEDED" }, ":expected": { S: "PENDING" } },
        }),
      ),
    ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });

  it("queries a partition by sort-key prefix in order", async () => {
    for (const server of ["s-3", "s-1", "s-2"]) {
      await client.send(
        new PutItemCommand({
          TableName: "executions",
          Item: { pk: { S: "exec#2" }, sk: { S: `server#${server}` }, launchStatus: { S: "LAUNCHED" } },
        }),
      );
    }
    await client.send(
      new PutItemCommand({ TableName: "executions", Item: { pk: { S: "exec#2" }, sk: { S: "wave#1" } } }),
    );
    const result = await client.send(
      new QueryCommand({
        TableName: "executions",
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": { S: "exec#2" }, ":prefix": { S: "server#" } },
      }),
    );
    expect(result.Items?.map((item) => item.sk?.S)).toEqual(["server#s-1", "server#s-2", "server#s-3"]);
  });

  it("adds no server, socket or timer of its own", async () => {
    const before = process.getActiveResourcesInfo().filter((resource) => resource !== "TTYWrap").length;
    const extra = createDynamoDbService({ accountId: ACCOUNT, region: REGION });
    const response = await extra.handle({
      method: "POST",
      path: "/",
      query: new URLSearchParams(),
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": "DynamoDB_20120810.ListTables",
        "x-amz-date": "20261121T100000Z",
        authorization:
          "AWS4-HMAC-SHA256 Credential=local/20261121/eu-central-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc",
      },
      body: Buffer.from("{}"),
      service: "dynamodb",
      region: REGION,
    });
    expect(JSON.parse(String(response.body))).toEqual({ TableNames: [] });
    extra.stop();
    expect((await extra.handle({ ...requestStub(), service: "dynamodb" })).status).toBe(503);
    const after = process.getActiveResourcesInfo().filter((resource) => resource !== "TTYWrap").length;
    expect(after).toBeLessThanOrEqual(before);
  });
});

function requestStub() {
  return {
    method: "POST",
    path: "/",
    query: new URLSearchParams(),
    headers: {},
    body: Buffer.from("{}"),
    region: REGION,
  };
}
