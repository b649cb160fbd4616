import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { EventPublisher } from "../../runtime/contracts";
import { describeIssues, StatesRuntimeFailure, TaskFailure } from "../run/task-failure";

const detailObject = z.record(z.string(), z.unknown());

const putEventsParameters = z.object({
  Entries: z
    .array(
      z.object({
        Source: z.string().min(1),
        DetailType: z.string().min(1),
        // The integration accepts the detail as a JSON object or as its JSON text.
        Detail: z.union([
          detailObject,
          z.string().transform((text, context) => {
            try {
              return detailObject.parse(JSON.parse(text));
            } catch {
              context.addIssue({ code: "custom", message: "must be a JSON object or its JSON text" });
              return z.NEVER;
            }
          }),
        ]),
        EventBusName: z.string().min(1).optional(),
        Resources: z.array(z.string()).optional(),
      }),
    )
    .min(1)
    .max(10),
});

/** `arn:aws:states:::events:putEvents`: each entry goes onto the local bus. */
export async function putEvents(events: EventPublisher, parameters: unknown): Promise<unknown> {
  const parsed = putEventsParameters.safeParse(parameters);
  if (!parsed.success)
    throw new StatesRuntimeFailure(describeIssues("events:putEvents Parameters", parsed.error.issues));
  for (const entry of parsed.data.Entries) {
    try {
      await events.publish({
        source: entry.Source,
        detailType: entry.DetailType,
        detail: entry.Detail,
        ...(entry.Resources ? { resources: entry.Resources } : {}),
        ...(entry.EventBusName ? { eventBusName: entry.EventBusName } : {}),
      });
    } catch (error) {
      const name = error instanceof Error ? error.name : "InternalException";
      throw new TaskFailure(`EventBridge.${name}`, error instanceof Error ? error.message : String(error));
    }
  }
  return { Entries: parsed.data.Entries.map(() => ({ EventId: randomUUID() })), FailedEntryCount: 0 };
}
