/** Ctrl-C (SIGINT) or SIGTERM while a command waits: it stops waiting instead of the process dying mid-write. */
export interface Interrupt {
  /** Resolves true when the signal came, at once or within `ms`; false when the time passed. */
  within(ms: number): Promise<boolean>;
  dispose(): void;
}

export function onInterrupt(): Interrupt {
  let fired = false;
  let wake: (() => void) | undefined;
  const listener = () => {
    fired = true;
    wake?.();
  };
  process.on("SIGINT", listener);
  process.on("SIGTERM", listener);
  return {
    within(ms) {
      if (fired) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), ms);
        wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
    },
    dispose() {
      process.off("SIGINT", listener);
      process.off("SIGTERM", listener);
    },
  };
}
