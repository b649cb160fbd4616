/** Where a command writes: results to `out`, problems to `err`. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  /** Shown in help as `--name <valueName>`. */
  valueName?: string;
  description: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

export type OptionValues<O extends OptionSpecs> = {
  [K in keyof O]: O[K]["type"] extends "string" ? string | undefined : boolean;
};

export interface CommandInput<O extends OptionSpecs = OptionSpecs> {
  /** The positional arguments after the command name. */
  args: string[];
  options: OptionValues<O>;
}

export interface Command<O extends OptionSpecs = OptionSpecs> {
  /** The arguments part of the usage line, e.g. `<file...>`. */
  usage: string;
  description: string;
  options: O;
  /** Resolves to the process exit code: 0 success, 1 the input has problems, 2 usage error. */
  run(input: CommandInput<O>, io: CommandIo): Promise<number>;
}

/** Keeps a command's option types for its `run` while the registry handles all commands alike. */
export function defineCommand<const O extends OptionSpecs>(command: Command<O>): Command {
  return command as unknown as Command;
}

/** Wrong arguments: main prints the message with the command's usage and exits with 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
