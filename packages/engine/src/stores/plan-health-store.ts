import { createHash } from "node:crypto";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from "@aws-sdk/lib-dynamodb";
import {
  compareFindings,
  type FindingCategory,
  type FindingSeverity,
  findingKey,
  type PlanFinding,
  type PlanHealth,
  type PlanHealthChange,
  type PlanVerdict,
} from "@drs-orchestrator/core";

/**
 * Each plan's latest evaluation and the changes between its evaluations, in the plans table under
 * the plan's partition as many small items: a header, one item per finding and per group's
 * members, and one per change. A 2,000-server plan with a finding per server writes 2,000 small
 * finding items, never one item that grows with the plan, and only those that changed.
 */

/** The header of a plan's latest recorded evaluation. */
export interface PlanHealthHeader {
  planId: string;
  planVersion?: number;
  evaluatedAt: string;
  verdict: PlanVerdict;
  counts: PlanHealth["counts"];
  /** How many changes were recorded for the plan so far; the sequence number of the latest. */
  changeCount: number;
  /** When the latest change was found. */
  changedAt?: string;
}

/** The latest recorded evaluation of a plan, as evaluatePlan returned it, with its change count. */
export interface RecordedPlanHealth extends PlanHealth {
  changeCount: number;
  changedAt?: string;
}

/** One recorded change: what healthChange found, the first findings of each list and their counts. */
export interface RecordedPlanHealthChange {
  planId: string;
  /** 1 for the plan's first recorded change, then one more each time. */
  sequence: number;
  planVersion?: number;
  evaluatedAt: string;
  previousVerdict?: PlanVerdict;
  verdict: PlanVerdict;
  counts: PlanHealth["counts"];
  added: PlanFinding[];
  addedCount: number;
  removed: PlanFinding[];
  removedCount: number;
}

/** Changes kept per plan; older ones are deleted as new ones come. */
export const PLAN_HEALTH_CHANGES_KEPT = 50;
/** Findings a change record lists of each kind; the counts carry the totals. */
export const CHANGE_FINDINGS_LISTED = 50;

const SEVERITY_RANK: Record<FindingSeverity, number> = { BLOCKS_RECOVERY: 0, BLOCKS_DRILL: 1, WARNING: 2 };
const CATEGORY_RANK: Record<FindingCategory, number> = {
  selection: 0,
  readiness: 1,
  "launch-settings": 2,
  network: 3,
  identity: 4,
  capacity: 5,
  conflict: 6,
};

const planKey = (planId: string) => `PLAN#${planId}`;
const HEADER = "HEALTH";
const FINDING = "HEALTH#FINDING#";
const MEMBERS = "HEALTH#MEMBERS#";
const CHANGE = "HEALTH#CHANGE#";
const changeKey = (sequence: number) => `${CHANGE}${String(sequence).padStart(10, "0")}`;

/**
 * A finding's sort key: severity and category first, so the blockers of a mode are one key range
 * read before any warning; then a digest of what the finding is about (findingKey), so the same
 * finding found again lands on the same item.
 */
export function findingSortKey(finding: PlanFinding): string {
  const digest = createHash("sha256").update(findingKey(finding)).digest("hex").slice(0, 24);
  return `${FINDING}${SEVERITY_RANK[finding.severity]}${CATEGORY_RANK[finding.category]}#${digest}`;
}

type Key = { pk: string; sk: string };
type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Key } };

function sameFinding(a: PlanFinding, b: PlanFinding): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function sameMembers(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((id, i) => id === b[i]);
}

export class PlanHealthStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async header(planId: string): Promise<PlanHealthHeader | undefined> {
    const { Item } = await this.dynamo.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: planKey(planId), sk: HEADER },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, ...header } = Item;
    return header as PlanHealthHeader;
  }

  /**
   * The recorded findings, most severe first (compareFindings); with `severities`, only those.
   * @param limit reads at most this many, the most severe ones
   */
  async findings(
    planId: string,
    options: { severities?: readonly FindingSeverity[]; limit?: number } = {},
  ): Promise<PlanFinding[]> {
    const prefixes = (options.severities ?? (["BLOCKS_RECOVERY", "BLOCKS_DRILL", "WARNING"] as const))
      .map((severity) => `${FINDING}${SEVERITY_RANK[severity]}`)
      .sort();
    const findings: PlanFinding[] = [];
    for (const prefix of prefixes) {
      const wanted = options.limit === undefined ? undefined : options.limit - findings.length;
      if (wanted !== undefined && wanted <= 0) break;
      const items = await this.queryPrefix(planId, prefix, wanted);
      findings.push(...items.map((item) => item.finding as PlanFinding));
    }
    return findings.sort(compareFindings);
  }

  /** The latest recorded evaluation with every finding and each group's members; undefined before the first. */
  async latest(planId: string): Promise<RecordedPlanHealth | undefined> {
    const header = await this.header(planId);
    if (!header) return undefined;
    const [findings, members] = await Promise.all([this.findings(planId), this.members(planId)]);
    return { ...header, findings, members };
  }

  async members(planId: string): Promise<Record<string, string[]>> {
    const items = await this.queryPrefix(planId, MEMBERS);
    return Object.fromEntries(
      items.map((item) => [item.groupId as string, item.sourceServerIds as string[]]),
    );
  }

  /** The latest recorded changes, newest first. */
  async changes(planId: string, limit: number): Promise<RecordedPlanHealthChange[]> {
    const { Items = [] } = await this.dynamo.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": planKey(planId), ":prefix": CHANGE },
        ScanIndexForward: false,
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return Items.map(({ pk: _pk, sk: _sk, ...change }) => change as RecordedPlanHealthChange);
  }

  /**
   * Writes the header of a new evaluation when the stored one is still `previousEvaluatedAt` (none:
   * no header yet); false when another evaluation was recorded in between, which then wins.
   */
  async putHeader(header: PlanHealthHeader, previousEvaluatedAt: string | undefined): Promise<boolean> {
    try {
      await this.dynamo.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: planKey(header.planId), sk: HEADER, ...header },
          ...(previousEvaluatedAt === undefined
            ? { ConditionExpression: "attribute_not_exists(pk)" }
            : {
                ConditionExpression: "evaluatedAt = :previous",
                ExpressionAttributeValues: { ":previous": previousEvaluatedAt },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Makes the finding items those of `now`: writes new and reworded ones, deletes those gone. */
  async replaceFindings(
    planId: string,
    before: readonly PlanFinding[],
    now: readonly PlanFinding[],
  ): Promise<void> {
    const stored = new Map(before.map((finding) => [findingSortKey(finding), finding]));
    const current = new Map(now.map((finding) => [findingSortKey(finding), finding]));
    const writes: WriteRequest[] = [];
    for (const [sk, finding] of current) {
      const old = stored.get(sk);
      if (old && sameFinding(old, finding)) continue;
      writes.push({ PutRequest: { Item: { pk: planKey(planId), sk, finding } } });
    }
    for (const sk of stored.keys()) {
      if (!current.has(sk)) writes.push({ DeleteRequest: { Key: { pk: planKey(planId), sk } } });
    }
    await this.writeAll(writes);
  }

  /** Makes the member items those of `now`, writing only groups whose members changed. */
  async replaceMembers(
    planId: string,
    before: Readonly<Record<string, readonly string[]>>,
    now: Readonly<Record<string, readonly string[]>>,
  ): Promise<void> {
    const writes: WriteRequest[] = [];
    for (const [groupId, sourceServerIds] of Object.entries(now)) {
      if (sameMembers(before[groupId], sourceServerIds)) continue;
      writes.push({
        PutRequest: {
          Item: { pk: planKey(planId), sk: `${MEMBERS}${groupId}`, groupId, sourceServerIds },
        },
      });
    }
    for (const groupId of Object.keys(before)) {
      if (!(groupId in now))
        writes.push({ DeleteRequest: { Key: { pk: planKey(planId), sk: `${MEMBERS}${groupId}` } } });
    }
    await this.writeAll(writes);
  }

  /** Records a change as number `sequence` and deletes the ones that fall out of the kept window. */
  async addChange(health: PlanHealth, change: PlanHealthChange, sequence: number): Promise<void> {
    const record: RecordedPlanHealthChange = {
      planId: health.planId,
      sequence,
      ...(health.planVersion !== undefined && { planVersion: health.planVersion }),
      evaluatedAt: health.evaluatedAt,
      ...(change.previousVerdict !== undefined && { previousVerdict: change.previousVerdict }),
      verdict: change.verdict,
      counts: health.counts,
      added: change.added.slice(0, CHANGE_FINDINGS_LISTED),
      addedCount: change.added.length,
      removed: change.removed.slice(0, CHANGE_FINDINGS_LISTED),
      removedCount: change.removed.length,
    };
    await this.dynamo.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: planKey(health.planId), sk: changeKey(sequence), ...record },
      }),
    );
    const oldest = sequence - PLAN_HEALTH_CHANGES_KEPT;
    if (oldest < 1) return;
    const { Items = [] } = await this.dynamo.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :first AND :last",
        ExpressionAttributeValues: {
          ":pk": planKey(health.planId),
          ":first": changeKey(0),
          ":last": changeKey(oldest),
        },
        ProjectionExpression: "pk, sk",
      }),
    );
    await this.writeAll(Items.map((item) => ({ DeleteRequest: { Key: item as Key } })));
  }

  private async queryPrefix(
    planId: string,
    prefix: string,
    limit?: number,
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.dynamo.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
          ExpressionAttributeValues: { ":pk": planKey(planId), ":prefix": prefix },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
          ...(limit !== undefined && { Limit: limit - items.length }),
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey && (limit === undefined || items.length < limit));
    return items;
  }

  /** Puts and deletes 25 at a time, retrying what DynamoDB left unprocessed. */
  private async writeAll(writes: readonly WriteRequest[]): Promise<void> {
    for (let i = 0; i < writes.length; i += 25) {
      let requests = writes.slice(i, i + 25);
      while (requests.length > 0) {
        const { UnprocessedItems } = await this.dynamo.send(
          new BatchWriteCommand({ RequestItems: { [this.table]: requests } }),
        );
        requests = (UnprocessedItems?.[this.table] ?? []) as WriteRequest[];
      }
    }
  }
}
