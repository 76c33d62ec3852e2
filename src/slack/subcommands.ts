// The `/cadence` subcommands as a table: each capability contributes entries (its `subcommands`
// export, collected in src/slack/capabilities.ts); the router and the help read only the table.
import type { WebClient } from "@slack/web-api";
import { echo } from "../refusals.js";
import type { EphemeralReply } from "./ack.js";
import type { Actor } from "./actor.js";
import type { AppDeps } from "./deps.js";

/** Reading a subcommand's arguments: what was asked, or what is wrong with it. */
export type Parsed<T> = { ok: true; input: T } | { ok: false; problem: string };

export interface SubcommandRequest {
  deps: AppDeps;
  client: WebClient;
  teamId: string;
  /** Who is asking, looked up once per request (src/slack/actor.ts). */
  actor: () => Promise<Actor>;
  triggerId: string;
  subcommands: SubcommandTable;
}

export interface SubcommandHelp {
  /** How to type it, for the help list: "/cadence assign <cadence> @person". */
  usage: string;
  description: string;
}

export interface SubcommandSpec<T> extends SubcommandHelp {
  name: string;
  aliases?: readonly string[];
  /** Opens a modal: acknowledged at once, because a trigger_id expires after 3 seconds. */
  opensModal?: boolean;
  parse(args: string): Parsed<T>;
  /** The reply (ephemeral), or null when the subcommand answered some other way (a modal). */
  run(input: T, request: SubcommandRequest): Promise<EphemeralReply | null>;
}

/** An entry as the table keeps it: its type parameter is closed over by `read`. */
export interface Subcommand extends SubcommandHelp {
  name: string;
  aliases: readonly string[];
  opensModal: boolean;
  read(args: string): Reading;
}

export type Reading =
  | { ok: true; input: unknown; run(request: SubcommandRequest): Promise<EphemeralReply | null> }
  | { ok: false; problem: string };

export function subcommand<T>(spec: SubcommandSpec<T>): Subcommand {
  return {
    name: spec.name,
    aliases: spec.aliases ?? [],
    usage: spec.usage,
    description: spec.description,
    opensModal: spec.opensModal ?? false,
    read(args) {
      const parsed = spec.parse(args);
      if (!parsed.ok) return { ok: false, problem: `${parsed.problem} Usage: \`${spec.usage}\`` };
      return { ok: true, input: parsed.input, run: (request) => spec.run(parsed.input, request) };
    },
  };
}

export { echo };

export type CommandReading =
  | { ok: true; entry: Subcommand; input: unknown; run: Reading & { ok: true } }
  /** `unknown`: no such subcommand (the answer lists them all); else its arguments were wrong. */
  | { ok: false; problem: string; unknown: boolean };

export class SubcommandTable {
  readonly entries: Subcommand[] = [];
  private readonly byName = new Map<string, Subcommand>();

  constructor(entries: Iterable<Subcommand> = []) {
    for (const entry of entries) this.add(entry);
  }

  add(entry: Subcommand): void {
    for (const name of [entry.name, ...entry.aliases]) {
      if (this.byName.has(name)) throw new Error(`/cadence ${name} is registered twice`);
      this.byName.set(name, entry);
    }
    this.entries.push(entry);
  }

  /** `/cadence <name> <args>`: an empty command asks for help. */
  read(text: string): CommandReading {
    const trimmed = text.trim();
    const [first = "", ...rest] = trimmed.split(/\s+/);
    const entry = this.byName.get(first.toLowerCase() || "help");
    if (!entry)
      return { ok: false, problem: `I don't know \`/cadence ${echo(trimmed)}\`.`, unknown: true };
    const reading = entry.read(rest.join(" "));
    return reading.ok
      ? { ok: true, entry, input: reading.input, run: reading }
      : { ...reading, unknown: false };
  }
}
