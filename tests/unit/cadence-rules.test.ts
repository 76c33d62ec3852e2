import { describe, expect, it } from "vitest";
import { SUBCOMMANDS } from "../../src/slack/capabilities.js";
import {
  whyNotOwner,
  canChangeCadence,
  matchCadence,
  planDeparture,
  planMaterialisation,
} from "../../src/cadences/rules.js";
import { STANDARD_RECURRENCES } from "../../src/cadences/recurrence.js";
import { plainSchedule } from "../../src/cadences/schedule.js";

const SETTINGS = ["sales", "marketing", "sla", "threshold", "picklist"];

/** `/cadence …` read against the table of subcommands, in the shape these cases were written in. */
function parseCadenceCommand(text: string) {
  const reading = SUBCOMMANDS.read(text);
  if (!reading.ok) return { op: "usage" as const, problem: reading.problem };
  const { name } = reading.entry;
  if (SETTINGS.includes(name)) return { op: "setting", change: reading.input };
  return { op: name, ...(reading.input as object | null) };
}

const cadences = [
  { id: "1", title: "Weekly funnel review", kind: "weekly_funnel_review" },
  { id: "2", title: "Monthly win/loss", kind: "monthly_win_loss" },
  { id: "3", title: "MQL definition review", kind: "mql_definition_review" },
  { id: "4", title: "ICP review", kind: "icp_review" },
  { id: "5", title: "Content in the wild", kind: "monthly_content_in_the_wild" },
];

describe("finding a cadence by name", () => {
  it.each([
    ["weekly funnel review", "1"],
    ["WEEKLY FUNNEL REVIEW", "1"],
    ["weekly", "1"],
    ["funnel", "1"],
    ["win/loss", "2"],
    ["winloss", "2"],
    ["monthly win", "2"],
    ["mql", "3"],
    ["icp", "4"],
    ["icp_review", "4"],
    ["content", "5"],
  ])("%j finds cadence %s", (query, id) => {
    const match = matchCadence(cadences, query);
    expect(match.kind).toBe("found");
    expect(match.kind === "found" && match.cadence.id).toBe(id);
  });

  it("lists the candidates when a name is ambiguous", () => {
    const match = matchCadence(cadences, "review");
    expect(match.kind).toBe("ambiguous");
    expect(match.kind === "ambiguous" && match.candidates.map((c) => c.id)).toEqual([
      "1",
      "3",
      "4",
    ]);
  });

  it("finds nothing for an unknown or empty name", () => {
    expect(matchCadence(cadences, "board meeting").kind).toBe("none");
    expect(matchCadence(cadences, "  ").kind).toBe("none");
  });
});

describe("reading /cadence commands", () => {
  it.each([
    ["", { op: "help" }],
    ["list", { op: "list" }],
    [
      "assign weekly funnel review <@U0BOB|bob>",
      { op: "assign", cadence: "weekly funnel review", person: "U0BOB" },
    ],
    ["backup icp <@U0CAROL>", { op: "backup", cadence: "icp", person: "U0CAROL" }],
    ["handover <@U0BOB> <@U0CAROL>", { op: "handover", from: "U0BOB", to: "U0CAROL" }],
    ["pause content", { op: "pause", cadence: "content" }],
    ["Resume content", { op: "resume", cadence: "content" }],
    ["done mql", { op: "done", cadence: "mql" }],
  ])("%j", (text, intent) => {
    expect(parseCadenceCommand(text)).toEqual(intent);
  });

  it.each([
    ["assign weekly", "Mention exactly one @person. Usage: `/cadence assign <cadence> @person`"],
    ["assign <@U0BOB>", "Which cadence? Usage: `/cadence assign <cadence> @person`"],
    ["assign weekly <@U0BOB> <@U0CAROL>", "Mention exactly one @person."],
    ["handover <@U0BOB>", "Mention the person handing over, then the one taking over."],
    ["pause", "Which cadence?"],
    ["assign weekly <!subteam^S0MKTG|@marketing>", "A DRI is one named person, never a team"],
    ["frobnicate", "I don't know `/cadence frobnicate`."],
  ])("%j is answered with what to fix", (text, problem) => {
    const intent = parseCadenceCommand(text);
    expect(intent.op).toBe("usage");
    expect(intent.op === "usage" && intent.problem).toContain(problem);
  });
});

describe("who may change a cadence", () => {
  const cadence = { driSlackUserId: "U0DRI" };
  it("allows workspace admins, configured admins and the DRI; refuses everyone else", () => {
    expect(canChangeCadence({ slackUserId: "U0ADMIN", isWorkspaceAdmin: true }, [], cadence)).toBe(
      true,
    );
    expect(
      canChangeCadence({ slackUserId: "U0OPS", isWorkspaceAdmin: false }, ["U0OPS"], cadence),
    ).toBe(true);
    expect(canChangeCadence({ slackUserId: "U0DRI", isWorkspaceAdmin: false }, [], cadence)).toBe(
      true,
    );
    expect(
      canChangeCadence({ slackUserId: "U0REP", isWorkspaceAdmin: false }, ["U0OPS"], cadence),
    ).toBe(false);
  });
});

describe("departures", () => {
  const active = (id: string) => id !== "U0GONE2";
  it("moves a departed DRI's cadence to the backup, or leaves it unassigned, and clears a departed backup", () => {
    const moves = planDeparture(
      "U0GONE",
      [
        { id: "a", driSlackUserId: "U0GONE", backupSlackUserId: "U0BACKUP" },
        { id: "b", driSlackUserId: "U0GONE", backupSlackUserId: null },
        { id: "c", driSlackUserId: "U0GONE", backupSlackUserId: "U0GONE2" },
        { id: "d", driSlackUserId: "U0OTHER", backupSlackUserId: "U0GONE" },
        { id: "e", driSlackUserId: "U0OTHER", backupSlackUserId: null },
      ],
      active,
    );
    expect(moves).toEqual([
      { cadenceId: "a", role: "dri", to: "U0BACKUP", reason: "backup takes over" },
      { cadenceId: "b", role: "dri", to: null, reason: "no backup" },
      { cadenceId: "c", role: "dri", to: null, reason: "no backup" },
      { cadenceId: "d", role: "backup", to: null, reason: "backup left" },
    ]);
  });
});

describe("catching up on occurrences", () => {
  const policy = { catchUpWindowMs: 6 * 3_600_000, lateAfterMs: 2 * 60_000 };
  const weekly = {
    schedule: plainSchedule(STANDARD_RECURRENCES.weekly_funnel_review, "America/New_York"),
  };

  it("posts an occurrence due now, on time, and moves to the next Monday", () => {
    const plan = planMaterialisation(
      { ...weekly, nextDueAt: new Date("2026-11-23T14:00:00Z") },
      new Date("2026-11-23T14:00:05Z"),
      policy,
    );
    expect(plan.occurrences).toEqual([
      {
        dueAt: new Date("2026-11-23T14:00:00Z"),
        originalDueAt: null,
        status: "pending",
        late: false,
      },
    ]);
    expect(plan.nextDueAt).toEqual(new Date("2026-11-30T14:00:00Z"));
  });

  it("posts one missed within the window as late, and records older ones as missed", () => {
    // Down from before Monday 2026-11-09 until Monday 2026-11-23 12:00 (3 hours after the last one).
    const plan = planMaterialisation(
      { ...weekly, nextDueAt: new Date("2026-11-09T14:00:00Z") },
      new Date("2026-11-23T17:00:00Z"),
      policy,
    );
    expect(plan.occurrences).toEqual([
      {
        dueAt: new Date("2026-11-09T14:00:00Z"),
        originalDueAt: null,
        status: "missed",
        late: true,
      },
      {
        dueAt: new Date("2026-11-16T14:00:00Z"),
        originalDueAt: null,
        status: "missed",
        late: true,
      },
      {
        dueAt: new Date("2026-11-23T14:00:00Z"),
        originalDueAt: null,
        status: "pending",
        late: true,
      },
    ]);
    expect(plan.nextDueAt).toEqual(new Date("2026-11-30T14:00:00Z"));
  });

  it("fires a six-month review once and then waits for its completion", () => {
    const plan = planMaterialisation(
      {
        schedule: plainSchedule(STANDARD_RECURRENCES.icp_review, "UTC"),
        nextDueAt: new Date("2026-11-23T10:00:00Z"),
      },
      new Date("2026-11-23T10:00:01Z"),
      policy,
    );
    expect(plan.occurrences).toHaveLength(1);
    expect(plan.nextDueAt).toBeNull();
  });
});

describe("who can own a cadence", () => {
  it("takes an active person, and says why not for a bot, a deactivated member or an unknown id", () => {
    expect(whyNotOwner("U0BOB", { isBot: false, active: true })).toBeNull();
    expect(whyNotOwner("U0BOT", { isBot: true, active: true })?.message).toContain(
      "<@U0BOT> is a bot: a DRI is a named person.",
    );
    expect(whyNotOwner("U0GONE", { isBot: false, active: false })?.message).toContain(
      "<@U0GONE> is deactivated: choose someone who is still here.",
    );
    expect(whyNotOwner("U0WHO", null)?.message).toContain(
      "Slack does not know <@U0WHO>. Mention a person in this workspace.",
    );
  });
});

describe("workspace settings from /cadence", () => {
  it.each([
    ["sales <!subteam^S0SALES|@sales>", { setting: "sales", userGroupId: "S0SALES" }],
    ["sales <#C0SALES|sales>", { setting: "sales", channelId: "C0SALES" }],
    ["marketing <#C0MKTG>", { setting: "marketing", channelId: "C0MKTG" }],
    ["sla 10", { kind: "minutes", minutes: 10 }],
    ["sla 2.5 minutes", { kind: "minutes", minutes: 2.5 }],
    ["threshold 35%", { setting: "threshold", rate: 0.35 }],
    ["picklist", { setting: "picklist" }],
    [
      "picklist competitors add Globex Corp",
      { setting: "picklist", list: "competitors", action: "add", value: "Globex Corp" },
    ],
  ])("%j", (text, change) => {
    expect(parseCadenceCommand(text)).toEqual({ op: "setting", change });
  });

  it.each([
    ["sales", "Mention the sales team's @user-group or #channel."],
    ["sla soon", "Give the SLA in minutes"],
    ["threshold 130", "Give a percentage between 1 and 99"],
    ["picklist rivals add X", "Which list: win-reasons, loss-reasons, competitors, assets?"],
    ["picklist competitors drop X", "Say `add` or `remove`, then the value."],
  ])("%j is answered with what to fix", (text, problem) => {
    const intent = parseCadenceCommand(text);
    expect(intent.op === "usage" && intent.problem).toContain(problem);
  });
});
