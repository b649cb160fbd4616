/** An error the Step Functions API answers with: `__type` in the body and `x-amzn-errortype`, status 400 unless noted. */
export class SfnApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}
