import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import { DrsClient } from "@aws-sdk/client-drs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EC2Client } from "@aws-sdk/client-ec2";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { IAMClient } from "@aws-sdk/client-iam";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SSMClient } from "@aws-sdk/client-ssm";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/**
 * The SDK clients the engine uses. Region, credentials and endpoints come from the standard
 * environment (AWS_REGION, AWS_ENDPOINT_URL[_<SERVICE>]), which is all that differs between AWS and
 * the local runtime. Built on first use and shared, like clients created at a Lambda's init.
 */
export interface AwsClients {
  dynamo: DynamoDBDocumentClient;
  drs: DrsClient;
  ec2: EC2Client;
  sfn: SFNClient;
  events: EventBridgeClient;
  /** Reads only: whether the instance profiles plans name exist. */
  iam: IAMClient;
  lambda: LambdaClient;
  ssm: SSMClient;
  /** Powertools Parameters over Secrets Manager: hook credentials, cached per value's maxAge. */
  secrets: SecretsProvider;
}

export function createAwsClients(): AwsClients {
  const config = { maxAttempts: 5 };
  return {
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient(config), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    drs: new DrsClient(config),
    ec2: new EC2Client(config),
    sfn: new SFNClient(config),
    events: new EventBridgeClient(config),
    iam: new IAMClient(config),
    lambda: new LambdaClient(config),
    ssm: new SSMClient(config),
    secrets: new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient(config) }),
  };
}
