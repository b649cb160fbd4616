import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import {
  InvalidInputError,
  OUTBOUND_EVENT_SOURCE,
  type OutboundDetail,
  type OutboundDetailType,
  OutboundEventRejectedError,
  outboundDetailSchemas,
  TransientAwsError,
} from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import { aws } from "../steps/launch/aws-failures";

/** Per-entry PutEvents failures that a later try may not meet. */
const TRANSIENT_ENTRY_ERRORS = new Set(["ThrottlingException", "InternalFailure", "InternalException"]);

/**
 * Puts one outbound event on the app's bus (`engine.config.eventBusName`), stamped with the
 * execution's clock (`time`, ISO). The detail is checked against its exported schema first, so a
 * subscriber never receives an event that breaks the contract.
 *
 * @throws InvalidInputError when the detail does not match its schema (nothing is sent)
 * @throws TransientAwsError when EventBridge keeps throttling or failing (the workflow retries the step)
 * @throws OutboundEventRejectedError when EventBridge refuses the entry (FailedEntryCount) for a
 *   reason a retry does not fix, such as a bus that does not exist
 */
export async function publishOutboundEvent<T extends OutboundDetailType>(
  engine: EngineContext,
  detailType: T,
  detail: OutboundDetail<T>,
  time: string,
): Promise<void> {
  const parsed = outboundDetailSchemas[detailType].safeParse(detail);
  if (!parsed.success) {
    throw new InvalidInputError(
      `"${detailType}" event detail`,
      parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    );
  }
  const response = await aws(`PutEvents (${detailType})`, () =>
    engine.aws.events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: engine.config.eventBusName,
            Source: OUTBOUND_EVENT_SOURCE,
            DetailType: detailType,
            Detail: JSON.stringify(parsed.data),
            Time: new Date(time),
          },
        ],
      }),
    ),
  );
  if ((response.FailedEntryCount ?? 0) > 0) {
    const code = response.Entries?.[0]?.ErrorCode ?? "UnknownError";
    const message = response.Entries?.[0]?.ErrorMessage;
    const bus = engine.config.eventBusName;
    if (TRANSIENT_ENTRY_ERRORS.has(code)) {
      throw new TransientAwsError(
        `EventBridge did not take the "${detailType}" event on bus ${bus} this time: ${code}${message ? ` (${message})` : ""}`,
      );
    }
    throw new OutboundEventRejectedError(detailType, bus, code, message);
  }
}
