import { createHash } from "node:crypto";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from "@aws-sdk/lib-dynamodb";
import { type Plan, PlanNotFoundError, parsePlan } from "@drs-orchestrator/core";

/**
 * Versioned plans. Each `plan apply` of a changed document adds an immutable version item; the
 * LATEST item points at the newest. A running execution pins the version it started with.
 */
export interface StoredPlanVersion {
  planId: string;
  version: number;
  /** The plan document as uploaded (before defaults), re-parsed on read. */
  document: unknown;
  sha256: string;
  appliedAt: string;
  appliedBy: string;
}

export interface PlanSummary {
  planId: string;
  name: string;
  version: number;
  appliedAt: string;
}

const planKey = (planId: string) => `PLAN#${planId}`;
const versionKey = (version: number) => `VERSION#${String(version).padStart(6, "0")}`;

export class PlanStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Stores a validated plan document; an unchanged document keeps its current version. */
  async apply(
    document: unknown,
    appliedBy: string,
    now: Date = new Date(),
  ): Promise<{ version: number; changed: boolean }> {
    const plan = parsePlan(document);
    const sha256 = createHash("sha256").update(JSON.stringify(document)).digest("hex");
    const latest = await this.latest(plan.id);
    if (latest?.sha256 === sha256) return { version: latest.version, changed: false };
    const version = (latest?.version ?? 0) + 1;
    const appliedAt = now.toISOString();
    // The version item is written first and only once; a concurrent apply of the same version loses here.
    await this.dynamo.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: planKey(plan.id),
          sk: versionKey(version),
          planId: plan.id,
          version,
          document,
          sha256,
          appliedAt,
          appliedBy,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    await this.dynamo.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: planKey(plan.id),
          sk: "LATEST",
          planId: plan.id,
          name: plan.name,
          version,
          sha256,
          appliedAt,
        },
      }),
    );
    return { version, changed: true };
  }

  /** The pinned version, or the latest when no version is given. */
  async get(
    planId: string,
    version?: number,
  ): Promise<{ plan: Plan; version: number; stored: StoredPlanVersion }> {
    const wanted = version ?? (await this.latest(planId))?.version;
    if (wanted === undefined) throw new PlanNotFoundError(planId);
    const { Item } = await this.dynamo.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: planKey(planId), sk: versionKey(wanted) },
        ConsistentRead: true,
      }),
    );
    if (!Item) throw new PlanNotFoundError(planId, version);
    const stored = Item as StoredPlanVersion;
    return { plan: parsePlan(stored.document), version: wanted, stored };
  }

  async versions(planId: string): Promise<number[]> {
    const { Items = [] } = await this.dynamo.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :v)",
        ExpressionAttributeValues: { ":pk": planKey(planId), ":v": "VERSION#" },
        ProjectionExpression: "version",
      }),
    );
    return Items.map((item) => item.version as number);
  }

  async list(): Promise<PlanSummary[]> {
    const summaries: PlanSummary[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.dynamo.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: "sk = :latest",
          ExpressionAttributeValues: { ":latest": "LATEST" },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        summaries.push({
          planId: item.planId,
          name: item.name,
          version: item.version,
          appliedAt: item.appliedAt,
        });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return summaries.sort((a, b) => a.planId.localeCompare(b.planId));
  }

  private async latest(planId: string): Promise<{ version: number; sha256: string } | undefined> {
    const { Item } = await this.dynamo.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: planKey(planId), sk: "LATEST" },
        ConsistentRead: true,
      }),
    );
    return Item ? { version: Item.version as number, sha256: Item.sha256 as string } : undefined;
  }
}
