import { z } from "zod";

/** Request shapes of the Secrets Manager operations the local service answers (wire member names). */

const secretId = z.string().min(1).max(2048);
/** The SDK fills ClientRequestToken with a UUID when the caller leaves it out. */
const clientRequestToken = z.string().min(32).max(64).optional();
const secretString = z.string().max(65_536).optional();
/** Blobs travel base64-encoded in awsJson1_1. */
const secretBinary = z.base64().optional();
const versionStage = z.string().min(1).max(256);

export const createSecretRequest = z.object({
  Name: z
    .string()
    .min(1)
    .max(512)
    .regex(/^[A-Za-z0-9/_+=.@-]+$/, { error: "use letters, digits and /_+=.@-" }),
  ClientRequestToken: clientRequestToken,
  Description: z.string().max(2048).optional(),
  KmsKeyId: z.string().optional(),
  SecretString: secretString,
  SecretBinary: secretBinary,
  Tags: z.array(z.object({ Key: z.string().min(1).max(128), Value: z.string().max(256) })).optional(),
});

export const putSecretValueRequest = z.object({
  SecretId: secretId,
  ClientRequestToken: clientRequestToken,
  SecretString: secretString,
  SecretBinary: secretBinary,
  VersionStages: z.array(versionStage).min(1).max(20).optional(),
});

export const getSecretValueRequest = z.object({
  SecretId: secretId,
  VersionId: z.string().min(32).max(64).optional(),
  VersionStage: versionStage.optional(),
});

export const describeSecretRequest = z.object({ SecretId: secretId });
