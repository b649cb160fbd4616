import type { LocalResponse } from "../runtime/contracts";
import { plainXmlDocument } from "./xml-writer";

/** An EC2 API error: the code clients match on (`InvalidInstanceID.NotFound`) and its HTTP status. */
export class Ec2Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

export function ec2ErrorResponse(error: Ec2Error, requestId: string): LocalResponse {
  return {
    status: error.status,
    headers: { "content-type": "text/xml;charset=UTF-8" },
    body: plainXmlDocument("Response", {
      Errors: { Error: { Code: error.code, Message: error.message } },
      RequestID: requestId,
    }),
  };
}
