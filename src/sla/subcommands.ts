// `/cadence sla`, `/cadence sla-escalation`, `/cadence sla-hours` and `/cadence team`: the live
// board, and the admin's set-up of the speed-to-lead watch. Each reads its arguments here and
// calls one use case.
import { proposeSettingChange } from "../definitions/listeners.js";
import { blocksReply } from "../slack/ack.js";
import { subcommand, type Parsed } from "../slack/subcommands.js";
import { parseWorkingHours } from "./clock.js";
import { MAX_CRM_LINK_PATTERN_CHARS, readSlaMinutes } from "./rules.js";
import { slaFigures } from "./service.js";
import { changeSlaSetup, type SlaSetupChange } from "./setup.js";
import type { SlaDelays } from "./settings.js";
import { boardBlocks } from "./views.js";

const USER_MENTION = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/;
const usage = (problem: string): Parsed<never> => ({ ok: false, problem });
const setup = (input: SlaSetupChange): Parsed<SlaSetupChange> => ({ ok: true, input });

/** "30", "30m", "45 min", "2h", "1.5 h": minutes; null when it is none of these. */
export function parseDelay(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*(m|min|mins|minutes?|h|hours?)?$/i.exec(text.trim());
  if (!match) return null;
  const minutes = Number(match[1]) * (/^h/i.test(match[2] ?? "") ? 60 : 1);
  return minutes > 0 && minutes <= 31 * 24 * 60 ? minutes : null;
}

const DELAY_PROBLEM =
  "Give the delay in minutes or hours of working time, e.g. `30`, `45m` or `2h`, or `off`.";

/** "sla 5 manager 30 vp 2h" (any of the three), or "default". */
function parseSourceDelays(text: string): SlaDelays | null | "bad" {
  if (/^default$/i.test(text.trim())) return null;
  const delays: SlaDelays = {};
  const parts = text.trim().split(/\s+/);
  if (parts.length === 0 || parts.length % 2) return "bad";
  for (let at = 0; at < parts.length; at += 2) {
    const step = parts[at]!.toLowerCase();
    const value = parts[at + 1]!;
    const minutes = /^off$/i.test(value) ? null : parseDelay(value);
    if (minutes === undefined || (minutes === null && !/^off$/i.test(value))) return "bad";
    if (step === "sla" && minutes !== null) delays.slaMinutes = minutes;
    else if (step === "manager") delays.managerMinutes = minutes;
    else if (step === "vp") delays.vpMinutes = minutes;
    else return "bad";
  }
  return delays;
}

export function parseEscalation(args: string): Parsed<SlaSetupChange> {
  const [word = "", ...rest] = args.trim().split(/\s+/);
  const value = rest.join(" ").trim();
  switch (word.toLowerCase()) {
    case "":
      return setup({ change: "show" });
    case "manager":
    case "vp": {
      const step = word.toLowerCase() as "manager" | "vp";
      if (step === "vp" && USER_MENTION.test(value))
        return setup({ change: "vp", vpSlackUserId: USER_MENTION.exec(value)![1]! });
      if (step === "vp" && /^admin[- ]channel$/i.test(value))
        return setup({ change: "vp", vpSlackUserId: null });
      if (/^off$/i.test(value)) return setup({ change: "step", step, minutes: null });
      const minutes = parseDelay(value);
      return minutes === null ? usage(DELAY_PROBLEM) : setup({ change: "step", step, minutes });
    }
    case "only": {
      if (/^all$/i.test(value)) return setup({ change: "sources", sources: null });
      const sources = value
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      return sources.length
        ? setup({ change: "sources", sources })
        : usage(
            "Name the sources to watch, comma-separated (e.g. `only Demo request, Contact sales`), or `only all`.",
          );
    }
    case "source": {
      const match = /^(.+?):\s*(.+)$/.exec(value);
      const delays = match ? parseSourceDelays(match[2]!) : "bad";
      if (!match || delays === "bad")
        return usage(
          "Write the source, a colon, then its steps, e.g. `source Demo request: sla 5 manager 30 vp 2h` (or `: default`).",
        );
      return setup({ change: "source-delays", source: match[1]!.trim(), delays });
    }
    case "crm-link":
      if (/^off$/i.test(value)) return setup({ change: "crm-link", pattern: null });
      if (value.length > MAX_CRM_LINK_PATTERN_CHARS)
        return usage(
          `That link is too long (${value.length} characters): keep it under ${MAX_CRM_LINK_PATTERN_CHARS}, with \`{id}\` where the lead's id goes.`,
        );
      return /^<?https?:\/\/\S*\{id\}\S*>?$/.test(value)
        ? setup({ change: "crm-link", pattern: value.replace(/^<|>$/g, "") })
        : usage(
            "Give the link to a lead's CRM record with `{id}` where its id goes, e.g. `https://crm.example.com/leads/{id}`, or `off`.",
          );
    default:
      return usage("Say what to change: `manager`, `vp`, `only`, `source` or `crm-link`.");
  }
}

export function parseTeam(args: string): Parsed<SlaSetupChange> {
  const text = args.trim();
  if (!text) return setup({ change: "show" });
  const mention = USER_MENTION.exec(text);
  if (mention) {
    const team = text.slice(0, mention.index).trim();
    return team
      ? setup({ change: "team", team, managerSlackUserId: mention[1]! })
      : usage("Name the team before its manager, e.g. `/cadence team East @maria`.");
  }
  const off = /^(.+?)\s+(off|none)$/i.exec(text);
  return off
    ? setup({ change: "team", team: off[1]!, managerSlackUserId: null })
    : usage("Mention the team's manager, e.g. `/cadence team East @maria`, or say `off`.");
}

type SlaBoardInput = { kind: "board" } | { kind: "minutes"; minutes: number };

const runSetup = (
  input: SlaSetupChange,
  { deps, teamId, actor }: Parameters<Parameters<typeof subcommand<SlaSetupChange>>[0]["run"]>[1],
) =>
  actor().then(async (who) => ({
    text: (
      await changeSlaSetup(
        { db: deps.db, adminUserIds: deps.config.adminUserIds },
        teamId,
        who,
        input,
      )
    ).message,
  }));

export const subcommands = [
  subcommand<SlaBoardInput>({
    name: "sla",
    usage: "/cadence sla [<minutes>]",
    description:
      "Speed to lead today, by team, and the open breaches; with minutes, proposes a new SLA.",
    parse(args) {
      if (!args.trim()) return { ok: true, input: { kind: "board" } };
      const minutes = readSlaMinutes(args);
      return minutes !== null
        ? { ok: true, input: { kind: "minutes", minutes } }
        : usage("Give the SLA in minutes, e.g. 5, or nothing to see the board.");
    },
    async run(input, { deps, client, teamId, actor }) {
      // The SLA is an agreed definition: a new value is proposed to the register.
      if (input.kind === "minutes")
        return {
          text: await proposeSettingChange(deps, client, teamId, await actor(), {
            setting: "sla",
            minutes: input.minutes,
          }),
        };
      const now = deps.clock.now();
      const figures = await slaFigures(deps.db, teamId, now, { allTeams: true });
      if (!figures) return { text: "Cadence does not know this workspace yet." };
      return blocksReply(boardBlocks({ ...figures, now }));
    },
  }),
  subcommand<SlaSetupChange>({
    name: "sla-escalation",
    usage: "/cadence sla-escalation [manager|vp|only|source|crm-link …]",
    description: "Who hears of an untouched lead, and when (admins change it).",
    parse: parseEscalation,
    run: runSetup,
  }),
  subcommand<SlaSetupChange>({
    name: "sla-hours",
    usage: "/cadence sla-hours Mon-Fri 08:00-18:00|always",
    description: "When the SLA clock runs, in each owner's timezone (admins).",
    parse(args) {
      if (!args.trim()) return setup({ change: "show" });
      const parsed = parseWorkingHours(args);
      return parsed.ok ? setup({ change: "hours", hours: parsed.hours }) : usage(parsed.problem);
    },
    run: runSetup,
  }),
  subcommand<SlaSetupChange>({
    name: "team",
    usage: "/cadence team <team> @manager|off",
    description: "The manager told of a team's leads left untouched (admins).",
    parse: parseTeam,
    run: runSetup,
  }),
];
