import { randomUUID } from "node:crypto";
import type { SimClock } from "../clock/sim-clock";
import { parseQueryBody } from "../ec2/query-request";
import { escapeXml, xmlDocument } from "../ec2/xml-writer";
import { stableHex } from "../faults/seeded-random";
import type { LocalRequest, LocalResponse, ServiceHandler } from "../runtime/contracts";

/**
 * IAM over the query protocol (signing name `iam`, one global endpoint), as far as the product
 * reads it: GetInstanceProfile over the fleet's instance profiles.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetInstanceProfile.html
 * https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html
 */

const NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/";
const PROFILE_NAME = /^[\w+=,.@-]{1,128}$/;

export interface IamEmulator extends ServiceHandler {
  readonly signingName: "iam";
  /** Requests received per action, for assertions. */
  readonly calls: Readonly<Record<string, number>>;
  /** The instance profile names that exist now. */
  instanceProfiles(): string[];
  /**
   * Drift: the instance profile is deleted.
   * @throws Error when no such profile exists
   */
  deleteInstanceProfile(name: string): void;
}

class IamError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

interface ProfileRecord {
  name: string;
  createdMs: number;
}

export function createIamEmulator(options: {
  clock: SimClock;
  accountId: string;
  instanceProfiles: readonly string[];
}): IamEmulator {
  const { clock, accountId } = options;
  const createdMs = clock.nowMs() - 30 * 86_400_000;
  const profiles = new Map<string, ProfileRecord>(
    options.instanceProfiles.map((name) => [name, { name, createdMs }]),
  );
  const calls: Record<string, number> = {};

  function getInstanceProfile(params: Record<string, unknown>) {
    const name = params.InstanceProfileName;
    if (typeof name !== "string") {
      throw new IamError(
        "ValidationError",
        "1 validation error detected: Value null at 'instanceProfileName' failed to satisfy constraint: Member must not be null",
        400,
      );
    }
    if (!PROFILE_NAME.test(name)) {
      throw new IamError(
        "ValidationError",
        `1 validation error detected: Value '${name}' at 'instanceProfileName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
        400,
      );
    }
    const profile = profiles.get(name);
    if (!profile) throw new IamError("NoSuchEntity", `Instance Profile ${name} cannot be found.`, 404);
    const roleName = profile.name;
    return {
      GetInstanceProfileResult: {
        InstanceProfile: {
          Path: "/",
          InstanceProfileName: profile.name,
          InstanceProfileId: `AIPA${stableHex(`${accountId}/profile/${name}`, 17).toUpperCase()}`,
          Arn: `arn:aws:iam::${accountId}:instance-profile/${profile.name}`,
          CreateDate: new Date(profile.createdMs),
          Roles: {
            member: {
              Path: "/",
              RoleName: roleName,
              RoleId: `AROA${stableHex(`${accountId}/role/${roleName}`, 17).toUpperCase()}`,
              Arn: `arn:aws:iam::${accountId}:role/${roleName}`,
              CreateDate: new Date(profile.createdMs),
              AssumeRolePolicyDocument: encodeURIComponent(
                JSON.stringify({
                  Version: "2012-10-17",
                  Statement: [
                    {
                      Effect: "Allow",
                      Principal: { Service: "ec2.amazonaws.com" },
                      Action: "sts:AssumeRole",
                    },
                  ],
                }),
              ),
            },
          },
        },
      },
    };
  }

  async function handle(request: LocalRequest): Promise<LocalResponse> {
    const requestId = randomUUID();
    const body = request.method === "GET" ? request.query.toString() : request.body.toString("utf8");
    const { action, params } = parseQueryBody(body);
    calls[action] = (calls[action] ?? 0) + 1;
    try {
      if (action !== "GetInstanceProfile") {
        throw new IamError(
          "InvalidAction",
          `Could not find operation ${action || "(none)"} for version 2010-05-08; the local IAM answers GetInstanceProfile.`,
          400,
        );
      }
      const content = getInstanceProfile(params);
      return {
        status: 200,
        headers: { "content-type": "text/xml" },
        body: xmlDocument(`${action}Response`, NAMESPACE, {
          ...content,
          ResponseMetadata: { RequestId: requestId },
        }),
      };
    } catch (error) {
      const failure =
        error instanceof IamError
          ? error
          : new IamError("ServiceFailure", error instanceof Error ? error.message : String(error), 500);
      return {
        status: failure.status,
        headers: { "content-type": "text/xml" },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${failure.status < 500 ? "Sender" : "Receiver"}</Type><Code>${escapeXml(failure.code)}</Code><Message>${escapeXml(failure.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    }
  }

  return {
    signingName: "iam",
    calls,
    handle,
    instanceProfiles: () => [...profiles.keys()],
    deleteInstanceProfile(name) {
      if (!profiles.delete(name)) throw new Error(`instance profile ${name} does not exist`);
    },
  };
}
