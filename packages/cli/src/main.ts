import { parseArgs } from "node:util";
import { suggestSpelling } from "@drs-orchestrator/core";
import { type Command, type CommandInput, type CommandIo, type OptionSpecs, UsageError } from "./command";
import { type CommandEntry, commands } from "./commands/registry";

const BIN = "drs-orchestrator";
const HELP_OPTION = { help: { type: "boolean", short: "h", description: "show this help" } } as const;

const processIo: CommandIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

function commandList(entries: readonly CommandEntry[]): string {
  const width = Math.max(...entries.map((entry) => entry.name.length));
  return entries.map((entry) => `  ${entry.name.padEnd(width)}  ${entry.summary}`).join("\n");
}

function generalHelp(): string {
  return [
    `${BIN} — recover applications with AWS Elastic Disaster Recovery, wave by wave`,
    "",
    `Usage: ${BIN} <command> [options]`,
    "",
    "Commands:",
    commandList(commands),
    "",
    `Run ${BIN} <command> --help for a command's arguments and options.`,
  ].join("\n");
}

function commandHelp(name: string, command: Command): string {
  const options: OptionSpecs = { ...command.options, ...HELP_OPTION };
  const labels = Object.entries(options).map(([key, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : ""}--${key}`;
    return spec.type === "string" ? `${flag} <${spec.valueName ?? key}>` : flag;
  });
  const width = Math.max(...labels.map((label) => label.length));
  const lines = Object.values(options).map(
    (spec, i) => `  ${(labels[i] as string).padEnd(width)}  ${spec.description}`,
  );
  return [
    `Usage: ${BIN} ${name} ${command.usage} [options]`,
    "",
    command.description,
    "",
    "Options:",
    ...lines,
  ].join("\n");
}

/** The command whose words start argv, preferring the longest name (`plan show` over `plan`). */
function findCommand(argv: readonly string[]): { entry: CommandEntry; rest: string[] } | undefined {
  const matches = commands
    .filter((entry) => {
      const words = entry.name.split(" ");
      return words.every((word, i) => argv[i] === word);
    })
    .sort((a, b) => b.name.length - a.name.length);
  const entry = matches[0];
  return entry ? { entry, rest: argv.slice(entry.name.split(" ").length) } : undefined;
}

function unknownCommand(argv: readonly string[], io: CommandIo): number {
  const family = commands.filter((entry) => entry.name.split(" ")[0] === argv[0]);
  const words = argv.filter((word) => !word.startsWith("-"));
  if (family.length > 0 && words.length === 1) {
    // `plan` alone lists what `plan` can do; `plan --help` asked for exactly that.
    if (argv.includes("--help") || argv.includes("-h")) {
      io.out(`Commands for ${argv[0]}:\n${commandList(family)}`);
      return 0;
    }
    io.err(`"${argv[0]}" needs a subcommand:\n${commandList(family)}`);
    return 2;
  }
  const typed = words.slice(0, family.length > 0 ? 2 : 1).join(" ");
  // Suggest a fix for the word that is wrong: the subcommand of a known family, else the family.
  const [first, second = ""] = words;
  const subcommands = family.map((entry) => entry.name.split(" ")[1] ?? "");
  const families = [...new Set(commands.map((entry) => entry.name.split(" ")[0] ?? ""))];
  const fixedSubcommand = suggestSpelling(second, subcommands);
  const suggestion =
    family.length > 0
      ? fixedSubcommand && `${first} ${fixedSubcommand}`
      : suggestSpelling(first ?? "", families);
  io.err(
    `unknown command "${typed}".${suggestion ? ` Did you mean "${suggestion}"?` : ""}\nRun ${BIN} --help to list the commands.`,
  );
  return 2;
}

/** parseArgs explains unknown options at length; say it short and suggest the option meant. */
function optionError(error: Error, command: Command): string {
  const unknown = /^Unknown option '(-{1,2})([^']+)'/.exec(error.message);
  if (!unknown) return error.message;
  const suggestion = suggestSpelling(
    unknown[2] as string,
    Object.keys({ ...command.options, ...HELP_OPTION }),
  );
  return `unknown option ${unknown[1]}${unknown[2]}${suggestion ? `; did you mean --${suggestion}?` : ""}`;
}

function parseOptions(command: Command, args: string[]): CommandInput {
  const options: OptionSpecs = { ...command.options, ...HELP_OPTION };
  const config = Object.fromEntries(
    Object.entries(options).map(([key, spec]) => [
      key,
      spec.short ? { type: spec.type, short: spec.short } : { type: spec.type },
    ]),
  );
  const parsed = parseArgs({ args, options: config, allowPositionals: true, strict: true });
  const values: Record<string, string | boolean | undefined> = {};
  for (const [key, spec] of Object.entries(options)) {
    const value = parsed.values[key];
    values[key] = spec.type === "boolean" ? value === true : (value as string | undefined);
  }
  return { args: parsed.positionals, options: values as CommandInput["options"] };
}

/** Runs the CLI with the arguments after the program name; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const io = processIo;
  const [first] = argv;
  if (first === undefined) {
    io.err(generalHelp());
    return 2;
  }
  if (first === "--help" || first === "-h" || first === "help") {
    const topic = findCommand(argv.slice(1));
    if (topic) io.out(commandHelp(topic.entry.name, (await topic.entry.load()).command));
    else io.out(generalHelp());
    return 0;
  }
  const found = findCommand(argv);
  if (!found) return unknownCommand(argv, io);

  const { command } = await found.entry.load();
  let input: CommandInput;
  try {
    input = parseOptions(command, found.rest);
  } catch (error) {
    io.err(`${optionError(error as Error, command)}\n\n${commandHelp(found.entry.name, command)}`);
    return 2;
  }
  if (input.options.help) {
    io.out(commandHelp(found.entry.name, command));
    return 0;
  }
  try {
    return await command.run(input, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${commandHelp(found.entry.name, command)}`);
      return 2;
    }
    throw error;
  }
}
