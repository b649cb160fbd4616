import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import type { HookAction } from "../hook-action";

/** Hook events carry their own source so rules for the product's own events never match them by accident. */
export const HOOK_EVENT_SOURCE = "drs-orchestrator.hooks";

export class HookEventRejectedError extends Error {
  override readonly name = "HookEventRejectedError";
}

/** Puts the hook's event on the app's bus, timed at the hook state's entry. */
export const eventAction: HookAction = async ({ engine, hook, input, now, signal }) => {
  const { detailType } = hook.event as NonNullable<typeof hook.event>;
  const bus = engine.config.eventBusName;
  const response = await engine.aws.events.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: bus,
          Source: HOOK_EVENT_SOURCE,
          DetailType: detailType,
          Detail: JSON.stringify(input),
          Time: new Date(now),
        },
      ],
    }),
    { abortSignal: signal },
  );
  const entry = response.Entries?.[0];
  if ((response.FailedEntryCount ?? 0) > 0 || !entry?.EventId) {
    throw new HookEventRejectedError(
      `bus ${bus} rejected the "${detailType}" event: ${entry?.ErrorCode ?? "no event ID"} ${entry?.ErrorMessage ?? ""}`.trim(),
    );
  }
  return { result: `event ${entry.EventId} on bus ${bus}` };
};
