import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/**
 * What a function's code sends to AWS, read from its sources: the handler's imports from the engine
 * and the MCP package, the modules they come from and every module those import, the SDK commands and paginators
 * each module uses, and the store methods reached through `engine.executions` / `engine.plans` /
 * `engine.planHealth` / `engine.locks`. Reading the sources keeps the policies honest without an AWS account: a step that
 * starts sending a new command fails the access test until its function's access table names it.
 */

const root = resolve(import.meta.dirname, "../..");
const engineSrc = join(root, "packages/engine/src");

/** `service:Operation`, or `dynamodb:Operation@table` for DynamoDB. */
export type SdkCall = string;

const SERVICE_OF_PACKAGE: Record<string, string> = {
  "@aws-sdk/client-drs": "drs",
  "@aws-sdk/client-ec2": "ec2",
  "@aws-sdk/client-iam": "iam",
  "@aws-sdk/client-sfn": "states",
  "@aws-sdk/client-eventbridge": "events",
  "@aws-sdk/client-lambda": "lambda",
  "@aws-sdk/client-ssm": "ssm",
  "@aws-sdk/client-secrets-manager": "secretsmanager",
  "@aws-sdk/client-dynamodb": "dynamodb",
  "@aws-sdk/lib-dynamodb": "dynamodb",
};

/** lib-dynamodb's document commands and the DynamoDB operations they send. */
const DOCUMENT_COMMANDS: Record<string, string> = {
  Get: "GetItem",
  Put: "PutItem",
  Update: "UpdateItem",
  Delete: "DeleteItem",
  Query: "Query",
  Scan: "Scan",
  BatchGet: "BatchGetItem",
  BatchWrite: "BatchWriteItem",
  TransactGet: "TransactGetItems",
  TransactWrite: "TransactWriteItems",
};

/**
 * Store classes reached through the engine context, with the table each one reads and writes, and
 * the functions the engine context hands a store (by the field the store keeps it in) with the module
 * that declares each.
 */
const STORES: Record<string, { file: string; table: string; injected?: Record<string, string> }> = {
  executions: { file: "stores/execution-store.ts", table: "executions" },
  plans: { file: "stores/plan-store.ts", table: "plans" },
  planHealth: { file: "stores/plan-health-store.ts", table: "plans" },
  // ServerLocks asks Step Functions about a holder through describeRecoveryWorkflow.
  locks: {
    file: "stores/server-locks.ts",
    table: "executions",
    injected: { workflowOf: "operations/recovery-workflow.ts" },
  },
};
type StoreName = "executions" | "plans" | "planHealth" | "locks";

const read = (file: string) => readFileSync(file, "utf8");

/** Names imported by value (not `import type`) per module specifier. */
function valueImports(source: string): Map<string, string[]> {
  const imports = new Map<string, string[]>();
  for (const match of source.matchAll(/^import\s+(type\s+)?\{([^}]*)\}\s+from\s+"([^"]+)";/gms)) {
    if (match[1]) continue;
    const names = (match[2] ?? "")
      .split(",")
      .map((part) => part.trim())
      .filter((part) => part.length > 0 && !part.startsWith("type "))
      .map((part) => part.split(/\s+as\s+/)[0]?.trim() ?? part);
    imports.set(match[3] ?? "", [...(imports.get(match[3] ?? "") ?? []), ...names]);
  }
  return imports;
}

function packageOf(imports: Map<string, string[]>, name: string): string | undefined {
  for (const [specifier, names] of imports) if (names.includes(name)) return specifier;
  return undefined;
}

/** SDK calls written in one piece of source: `new XxxCommand(` and `paginateXxx(`. */
function commandsIn(code: string, imports: Map<string, string[]>, table?: string): SdkCall[] {
  const calls: SdkCall[] = [];
  for (const match of code.matchAll(/new (\w+)Command\(|paginate(\w+)\(/g)) {
    const operation = match[1] ?? match[2] ?? "";
    const imported = match[1] ? `${operation}Command` : `paginate${operation}`;
    const specifier = packageOf(imports, imported);
    const service = specifier ? SERVICE_OF_PACKAGE[specifier] : undefined;
    if (!service) throw new Error(`${imported} is not imported from an AWS SDK client this scan knows`);
    if (service !== "dynamodb") {
      // Lambda's Invoke operation is authorized by the lambda:InvokeFunction action.
      calls.push(
        `${service}:${service === "lambda" && operation === "Invoke" ? "InvokeFunction" : operation}`,
      );
      continue;
    }
    const dynamoOperation = specifier === "@aws-sdk/lib-dynamodb" ? DOCUMENT_COMMANDS[operation] : operation;
    if (!dynamoOperation) throw new Error(`unknown document command ${imported}`);
    // Outside the stores the table is named where the command is built.
    const after = code.slice((match.index ?? 0) + match[0].length, (match.index ?? 0) + 400);
    const tableOfCall = table ?? /config\.(\w+)Table/.exec(after)?.[1];
    if (!tableOfCall) throw new Error(`cannot tell which table ${imported} writes to`);
    calls.push(`dynamodb:${dynamoOperation}@${tableOfCall}`);
  }
  return calls;
}

/** Methods of the class in a store file, by name, with their bodies (Biome's two-space indent). */
function methodBodies(source: string): Map<string, string> {
  const methods = new Map<string, string>();
  const lines = source.split("\n");
  let current: { name: string; body: string[] } | undefined;
  for (const line of lines) {
    const start = /^ {2}(?:private |public )?(?:async )?(\w+)(?:<[^>]*>)?\(/.exec(line);
    if (start && start[1] !== "constructor") {
      if (current) methods.set(current.name, current.body.join("\n"));
      current = { name: start[1] ?? "", body: [] };
    } else if (start) {
      if (current) methods.set(current.name, current.body.join("\n"));
      current = undefined;
    }
    current?.body.push(line);
  }
  if (current) methods.set(current.name, current.body.join("\n"));
  return methods;
}

function storeMethodCalls(store: StoreName, method: string, seen: Set<string>): SdkCall[] {
  const key = `${store}.${method}`;
  if (seen.has(key)) return [];
  seen.add(key);
  const spec = STORES[store] as (typeof STORES)[string];
  const source = read(join(engineSrc, spec.file));
  const body = methodBodies(source).get(method);
  if (body === undefined) throw new Error(`no method ${method} in ${spec.file}`);
  const calls = commandsIn(body, valueImports(source), spec.table);
  for (const match of body.matchAll(/this\.(\w+)(?:<[^>]*>)?\(/g)) {
    const name = match[1] ?? "";
    const injected = spec.injected?.[name];
    calls.push(
      ...(injected ? moduleCalls(join(engineSrc, injected), seen) : storeMethodCalls(store, name, seen)),
    );
  }
  // ServerLocks works through the execution store it holds.
  for (const match of body.matchAll(/this\.store\.(\w+)(?:<[^>]*>)?\(/g)) {
    calls.push(...storeMethodCalls("executions", match[1] ?? "", seen));
  }
  return calls;
}

function moduleCalls(file: string, seen: Set<string>): SdkCall[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const source = read(file);
  const imports = valueImports(source);
  const calls = commandsIn(source, imports);
  for (const match of source.matchAll(
    /(?<![\w$.])(?:this\.)?(?:engine\.)?(executions|plans|planHealth|locks)\.(\w+)(?:<[^>]*>)?\(/g,
  )) {
    calls.push(...storeMethodCalls(match[1] as StoreName, match[2] ?? "", seen));
  }
  for (const [specifier, names] of imports) {
    if (specifier.startsWith(".")) {
      calls.push(...moduleCalls(`${resolve(dirname(file), specifier)}.ts`, seen));
    } else if (specifier in WORKSPACE_PACKAGES) {
      calls.push(...importedCalls(file, specifier as WorkspacePackage, names, seen));
    }
  }
  return calls;
}

/** The workspace packages whose code a handler runs, by the name it imports them with. */
const WORKSPACE_PACKAGES = {
  "@drs-orchestrator/engine": engineSrc,
  "@drs-orchestrator/mcp": join(root, "packages/mcp/src"),
} as const;
type WorkspacePackage = keyof typeof WORKSPACE_PACKAGES;

const exportsByPackage = new Map<WorkspacePackage, Map<string, string>>();

/** The module of a workspace package that declares each exported name (through its `export *` index). */
function packageExports(name: WorkspacePackage): Map<string, string> {
  const cached = exportsByPackage.get(name);
  if (cached) return cached;
  const src = WORKSPACE_PACKAGES[name];
  const declared = new Map<string, string>();
  for (const match of read(join(src, "index.ts")).matchAll(/export \* from "(\.[^"]+)";/g)) {
    const file = `${join(src, match[1] ?? "")}.ts`;
    for (const exported of read(file).matchAll(/^export (?:async )?(?:function|const|class) (\w+)/gm)) {
      declared.set(exported[1] ?? "", file);
    }
  }
  exportsByPackage.set(name, declared);
  return declared;
}

/** The calls of the modules that declare `names`, imported by `file` from a workspace package. */
function importedCalls(
  file: string,
  specifier: WorkspacePackage,
  names: string[],
  seen: Set<string>,
): SdkCall[] {
  const exported = packageExports(specifier);
  return names.flatMap((name) => {
    const declaring = exported.get(name);
    if (!declaring) throw new Error(`${relative(root, file)}: ${name} is not exported by ${specifier}`);
    return moduleCalls(declaring, seen);
  });
}

/**
 * The AWS calls of the Lambda handler in `handlerModule` (a path from the repository root): what the
 * engine and MCP modules it imports send. The step handler wrapper and the engine context send
 * nothing; they only build the clients and stores the code uses.
 */
export function handlerSdkCalls(handlerModule: string): SdkCall[] {
  const handlerFile = join(root, handlerModule);
  const seen = new Set<string>([
    join(engineSrc, "lambda/step-handler.ts"),
    join(engineSrc, "lambda/engine-context.ts"),
  ]);
  const calls = new Set<SdkCall>();
  for (const [specifier, names] of valueImports(read(handlerFile))) {
    if (!(specifier in WORKSPACE_PACKAGES)) continue;
    for (const call of importedCalls(handlerFile, specifier as WorkspacePackage, names, seen))
      calls.add(call);
  }
  return [...calls].sort();
}
