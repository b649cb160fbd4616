/**
 * aws-local-stepfunctions calls `Promise.withResolvers` (Node 22+), which Node 20 lacks. Installed once,
 * only where missing, with the standard semantics.
 */
interface Resolvers {
  promise: Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason?: unknown) => void;
}

const promiseConstructor = Promise as unknown as { withResolvers?: () => Resolvers };

if (typeof promiseConstructor.withResolvers !== "function") {
  Object.defineProperty(Promise, "withResolvers", {
    configurable: true,
    writable: true,
    value: function withResolvers(this: PromiseConstructor): Resolvers {
      let resolve: Resolvers["resolve"] = () => {};
      let reject: Resolvers["reject"] = () => {};
      const promise = new this<unknown>((resolvePromise, rejectPromise) => {
        resolve = resolvePromise;
        reject = rejectPromise;
      });
      return { promise, resolve, reject };
    },
  });
}
