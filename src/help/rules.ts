// Reading `/cadence <subcommand> <arguments>` text. Pure.
export interface ParsedCommand {
  subcommand: string;
  args: string;
}

export function parseCommandText(text: string | undefined): ParsedCommand {
  const trimmed = (text ?? "").trim();
  const [first = "", ...rest] = trimmed.split(/\s+/);
  return { subcommand: first.toLowerCase() || "help", args: rest.join(" ") };
}
