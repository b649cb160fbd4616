/** Reads until `read` gives a value, every 25 ms real; fails naming `what` after `deadlineMs` real. */
export async function until<T>(
  what: string,
  read: () => Promise<T | undefined>,
  deadlineMs: number,
): Promise<T> {
  const begin = performance.now();
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (performance.now() - begin > deadlineMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The error `promise` fails with; fails itself when the promise succeeds. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}
