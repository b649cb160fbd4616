import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import {
  type ApprovalItem,
  type BatchItem,
  type DrillCleanupItem,
  type DrillCleanupServerItem,
  type ExecutionMeta,
  type HookItem,
  type JobItem,
  keys,
  type ServerItem,
  type WaveItem,
} from "./execution-items";

type Key = { pk: string; sk: string };

/**
 * Reads and writes an execution's items. Every state change that two actors could race on (event
 * recorder vs. poll, a retried Lambda vs. its first attempt) is a conditional single-item write,
 * so the loser sees `false` instead of overwriting the winner.
 */
export class ExecutionStore {
  constructor(
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async getMeta(executionId: string): Promise<ExecutionMeta | undefined> {
    return this.get<ExecutionMeta>(keys.meta(executionId));
  }

  async getWave(executionId: string, wave: number): Promise<WaveItem | undefined> {
    return this.get<WaveItem>(keys.wave(executionId, wave));
  }

  async waves(executionId: string): Promise<WaveItem[]> {
    return this.queryPrefix<WaveItem>(executionId, keys.prefixes.wave);
  }

  async servers(executionId: string, wave?: number): Promise<ServerItem[]> {
    return this.queryPrefix<ServerItem>(
      executionId,
      wave === undefined ? keys.prefixes.allServers : keys.prefixes.servers(wave),
    );
  }

  async batches(executionId: string, wave: number): Promise<BatchItem[]> {
    return this.queryPrefix<BatchItem>(executionId, keys.prefixes.batches(wave));
  }

  /** Every hook that ran for the execution (beforeRecovery … afterRecovery, each wave's). */
  async hooks(executionId: string): Promise<HookItem[]> {
    return this.queryPrefix<HookItem>(executionId, keys.prefixes.hooks);
  }

  async getDrillCleanup(executionId: string): Promise<DrillCleanupItem | undefined> {
    return this.get<DrillCleanupItem>(keys.drillCleanup(executionId));
  }

  async drillCleanupServers(executionId: string): Promise<DrillCleanupServerItem[]> {
    return this.queryPrefix<DrillCleanupServerItem>(executionId, keys.prefixes.drillCleanupServers);
  }

  async approvals(executionId: string): Promise<ApprovalItem[]> {
    return this.queryPrefix<ApprovalItem>(executionId, keys.prefixes.approvals);
  }

  async getJob(jobId: string): Promise<JobItem | undefined> {
    return this.get<JobItem>(keys.job(jobId));
  }

  /** Creates the item unless it exists; returns false when it already did. */
  async create(key: Key, item: object): Promise<boolean> {
    try {
      await this.dynamo.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key, ...item },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Writes many new items 25 at a time (items of a fresh execution, written once by prepare). */
  async putAll(items: readonly (Key & object)[]): Promise<void> {
    for (let i = 0; i < items.length; i += 25) {
      let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const { UnprocessedItems } = await this.dynamo.send(
          new BatchWriteCommand({ RequestItems: { [this.table]: requests } }),
        );
        requests = (UnprocessedItems?.[this.table] ?? []) as typeof requests;
      }
    }
  }

  /**
   * Sets fields when the condition holds; returns false when it does not (someone else won).
   * `condition` uses the placeholders of `values` (`:name`) and `#name` for the attribute names in `names`.
   */
  async update(
    key: Key,
    set: Record<string, unknown>,
    options: {
      condition?: string;
      values?: Record<string, unknown>;
      names?: Record<string, string>;
      remove?: string[];
    } = {},
  ): Promise<boolean> {
    const names: Record<string, string> = { ...options.names };
    const values: Record<string, unknown> = { ...options.values };
    const assignments = Object.entries(set).map(([field, value], i) => {
      names[`#s${i}`] = field;
      values[`:s${i}`] = value;
      return `#s${i} = :s${i}`;
    });
    const removals = (options.remove ?? []).map((field, i) => {
      names[`#r${i}`] = field;
      return `#r${i}`;
    });
    const expression = [
      assignments.length > 0 ? `SET ${assignments.join(", ")}` : "",
      removals.length > 0 ? `REMOVE ${removals.join(", ")}` : "",
    ]
      .filter(Boolean)
      .join(" ");
    try {
      await this.dynamo.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: expression,
          ConditionExpression: options.condition ?? "attribute_exists(pk)",
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: Object.keys(values).length > 0 ? values : undefined,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Deletes the item (nothing happens when it does not exist). */
  async delete(key: Key): Promise<void> {
    await this.dynamo.send(new DeleteCommand({ TableName: this.table, Key: key }));
  }

  async get<T>(key: Key): Promise<T | undefined> {
    const { Item } = await this.dynamo.send(
      new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }),
    );
    return Item as T | undefined;
  }

  /** The items with these keys that exist, 100 keys per request, in no particular order. */
  async getMany<T>(itemKeys: readonly Key[]): Promise<T[]> {
    const items: T[] = [];
    for (let i = 0; i < itemKeys.length; i += 100) {
      let wanted: Record<string, unknown>[] = itemKeys
        .slice(i, i + 100)
        .map((key) => ({ pk: key.pk, sk: key.sk }));
      while (wanted.length > 0) {
        const { Responses, UnprocessedKeys } = await this.dynamo.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: wanted, ConsistentRead: true } } }),
        );
        items.push(...((Responses?.[this.table] ?? []) as T[]));
        wanted = UnprocessedKeys?.[this.table]?.Keys ?? [];
      }
    }
    return items;
  }

  private async queryPrefix<T>(executionId: string, prefix: string): Promise<T[]> {
    const items: T[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.dynamo.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
          ExpressionAttributeValues: { ":pk": keys.meta(executionId).pk, ":prefix": prefix },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...((page.Items ?? []) as T[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}
