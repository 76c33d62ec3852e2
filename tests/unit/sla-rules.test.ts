import { describe, expect, it } from "vitest";
import {
  readSlaMinutes,
  arrivesLate,
  compliance,
  crmRecordLink,
  nextStepOf,
  outcomeOf,
  planFor,
  reachedAfter,
  recipientOf,
  stepDueTimes,
  stepsOrderProblem,
  waitedText,
  type StepPeople,
} from "../../src/sla/rules.js";
import { parseDelay, parseEscalation, parseTeam } from "../../src/sla/subcommands.js";
import { breachMessage, type BreachItem } from "../../src/sla/views.js";

const at = (iso: string) => new Date(iso);

describe("stepsOrderProblem", () => {
  it("accepts steps each after the one before, a step turned off skipped", () => {
    expect(stepsOrderProblem({ slaMinutes: 5, managerMinutes: 30, vpMinutes: 120 })).toBeNull();
    expect(stepsOrderProblem({ slaMinutes: 5, managerMinutes: null, vpMinutes: 60 })).toBeNull();
  });

  it("refuses a manager step at or before the SLA, and a VP step before the manager's", () => {
    expect(stepsOrderProblem({ slaMinutes: 30, managerMinutes: 10, vpMinutes: 120 })).toMatch(
      /manager step \(10 min\) must come after the owner's SLA \(30 min\)/,
    );
    expect(stepsOrderProblem({ slaMinutes: 5, managerMinutes: 30, vpMinutes: 30 })).toMatch(
      /VP step \(30 min\) must come after the manager step/,
    );
    expect(stepsOrderProblem({ slaMinutes: 5, managerMinutes: null, vpMinutes: 5 })).toMatch(
      /VP step \(5 min\) must come after the owner's SLA/,
    );
  });

  it("reads no source delays from the object prototype", () => {
    const settings = { slaEscalation: { perSource: {} } };
    expect(planFor(settings, "constructor")).toEqual(planFor({}, null));
    expect(planFor(settings, "__proto__")).toEqual(planFor({}, null));
  });
});

describe("crmRecordLink", () => {
  it("links the lead, or gives no link when the URL would pass Slack's 3,000 characters", () => {
    expect(crmRecordLink("https://crm.test/l/{id}", "a b")).toBe("https://crm.test/l/a%20b");
    expect(crmRecordLink("https://crm.test/l/{id}", "Ł".repeat(600))).toBeNull();
    expect(crmRecordLink(undefined, "1")).toBeNull();
  });
});

describe("planFor", () => {
  it("uses the defaults: 5 minutes, manager at 30, VP at 120", () => {
    expect(planFor({}, "Webinar")).toEqual({ slaMinutes: 5, managerMinutes: 30, vpMinutes: 120 });
  });

  it("reads the SLA from slaMinutes and the steps from the escalation settings", () => {
    expect(
      planFor({ slaMinutes: 10, slaEscalation: { managerMinutes: 45, vpMinutes: null } }, null),
    ).toEqual({ slaMinutes: 10, managerMinutes: 45, vpMinutes: null });
  });

  it("watches only the listed sources when there is a list, matched without case", () => {
    const settings = { slaEscalation: { sources: ["Demo request"] } };
    expect(planFor(settings, "demo REQUEST ")).not.toBeNull();
    expect(planFor(settings, "Webinar")).toBeNull();
    expect(planFor(settings, null)).toBeNull();
  });

  it("lets one source override some steps and keep the others", () => {
    const settings = {
      slaEscalation: {
        managerMinutes: 60,
        perSource: { "demo request": { slaMinutes: 2, vpMinutes: null } },
      },
    };
    expect(planFor(settings, "Demo request")).toEqual({
      slaMinutes: 2,
      managerMinutes: 60,
      vpMinutes: null,
    });
  });
});

describe("steps of a watched lead", () => {
  const calendar = {
    hours: { kind: "always" as const },
    timezone: "UTC",
    holidays: new Set<string>(),
  };
  const due = stepDueTimes(at("2026-03-03T10:00:00Z"), planFor({}, null)!, calendar)!;
  const watch = { ...due, status: "open", reachedStep: 0, snoozedUntil: null };

  it("computes each step's due time", () => {
    expect(due).toEqual({
      slaDueAt: at("2026-03-03T10:05:00Z"),
      managerDueAt: at("2026-03-03T10:30:00Z"),
      vpDueAt: at("2026-03-03T12:00:00Z"),
    });
  });

  it("goes owner, manager, VP, then nothing", () => {
    expect(nextStepOf(watch)).toEqual({ step: "owner", dueAt: due.slaDueAt });
    expect(nextStepOf({ ...watch, reachedStep: 1 })).toEqual({
      step: "manager",
      dueAt: due.managerDueAt,
    });
    expect(nextStepOf({ ...watch, reachedStep: 2 })?.step).toBe("vp");
    expect(nextStepOf({ ...watch, reachedStep: 3 })).toBeNull();
  });

  it("skips a step that is off", () => {
    expect(nextStepOf({ ...watch, reachedStep: 1, managerDueAt: null })?.step).toBe("vp");
  });

  it("puts a snooze's reminder first when it comes before the next step", () => {
    const snoozed = { ...watch, reachedStep: 1, snoozedUntil: at("2026-03-03T10:15:00Z") };
    expect(nextStepOf(snoozed)).toEqual({ step: "reminder", dueAt: at("2026-03-03T10:15:00Z") });
    expect(reachedAfter(1, "reminder")).toBe(1);
    expect(reachedAfter(1, "manager")).toBe(2);
  });

  it("has nothing next for a touched lead or one found late", () => {
    expect(nextStepOf({ ...watch, status: "touched" })).toBeNull();
    expect(nextStepOf({ ...watch, status: "late" })).toBeNull();
  });

  it("finds a lead late when it arrives more than 15 minutes after its SLA ran out", () => {
    expect(arrivesLate(at("2026-03-03T10:20:00Z"), due.slaDueAt)).toBe(false);
    expect(arrivesLate(at("2026-03-03T10:20:01Z"), due.slaDueAt)).toBe(true);
  });
});

describe("recipientOf", () => {
  const people: StepPeople = {
    ownerSlackUserId: "U0REP",
    teamManagerSlackUserId: "U0TEAMMGR",
    ownerManagerSlackUserId: "U0SLACKMGR",
    vpSlackUserId: "U0VP",
    adminChannelId: "C0ADMIN",
  };

  it("sends each step to its person", () => {
    expect(recipientOf("owner", people)).toBe("U0REP");
    expect(recipientOf("reminder", people)).toBe("U0REP");
    expect(recipientOf("manager", people)).toBe("U0TEAMMGR");
    expect(recipientOf("vp", people)).toBe("U0VP");
  });

  it("falls back to the owner's manager in Slack, then the admin channel", () => {
    expect(recipientOf("manager", { ...people, teamManagerSlackUserId: null })).toBe("U0SLACKMGR");
    const nobody = { ...people, teamManagerSlackUserId: null, ownerManagerSlackUserId: null };
    expect(recipientOf("manager", nobody)).toBe("C0ADMIN");
    expect(recipientOf("vp", { ...people, vpSlackUserId: null })).toBe("C0ADMIN");
    expect(recipientOf("owner", { ...people, ownerSlackUserId: null, adminChannelId: null })).toBe(
      null,
    );
  });
});

describe("compliance", () => {
  const slaDueAt = at("2026-03-03T10:05:00Z");
  const now = at("2026-03-03T11:00:00Z");

  it("counts met, breached (found late included) and pending leads", () => {
    const outcomes = [
      outcomeOf({ slaDueAt, touchedAt: at("2026-03-03T10:05:00Z"), status: "touched" }, now),
      outcomeOf({ slaDueAt, touchedAt: at("2026-03-03T10:06:00Z"), status: "touched" }, now),
      outcomeOf({ slaDueAt, touchedAt: null, status: "open" }, now),
      outcomeOf({ slaDueAt, touchedAt: null, status: "late" }, now),
      outcomeOf({ slaDueAt: at("2026-03-03T11:01:00Z"), touchedAt: null, status: "open" }, now),
    ];
    expect(outcomes).toEqual(["met", "breached", "breached", "found-late", "pending"]);
    expect(compliance(outcomes)).toEqual({
      met: 1,
      breached: 3,
      foundLate: 1,
      pending: 1,
      share: 0.25,
    });
  });

  it("has no share before any lead is decided", () => {
    expect(compliance(["pending"]).share).toBeNull();
  });
});

describe("the breach DM", () => {
  const item = (crmId: string, minute: number): BreachItem => ({
    crmId,
    source: "Demo <!channel>",
    team: "East",
    ownerSlackUserId: "U0REP",
    ownerText: "rep@acme.test",
    mqlAt: new Date(Date.UTC(2026, 2, 3, 10, minute)),
    dueAt: new Date(Date.UTC(2026, 2, 3, 10, minute + 5)),
    step: "owner",
    crmLink: `https://crm.example.com/leads/${crmId}`,
    late: false,
  });

  it("lists the newest first, ten in full, and counts the rest", () => {
    const items = Array.from({ length: 12 }, (_, i) => item(`L-${i}`, i));
    const message = breachMessage(items, at("2026-03-03T11:00:00Z"), "UTC", "T0TEAM");
    expect(message.text).toBe("12 leads are waiting past their SLA");
    const sections = message.blocks.filter((b) => b.type === "section");
    expect(sections).toHaveLength(10);
    expect(JSON.stringify(sections[0])).toContain("*L-11*");
    expect(JSON.stringify(message.blocks.at(-1))).toContain("…and 2 more.");
    expect(message.blocks.length).toBeLessThanOrEqual(50);
  });

  it("escapes what came from the CRM and says how long the lead has waited", () => {
    const message = breachMessage([item("L-<1>", 0)], at("2026-03-03T11:30:00Z"), "UTC", "T0");
    const text = JSON.stringify(message.blocks[1]);
    expect(text).toContain("L-&lt;1&gt;");
    expect(text).toContain("source Demo &lt;!channel&gt;");
    expect(text).toContain("waiting 1 h 30 min");
    expect(waitedText(3 * 24 * 3_600_000)).toBe("3 d 0 h");
  });
});

describe("reading the set-up commands", () => {
  it("reads delays in minutes and hours", () => {
    expect(parseDelay("30")).toBe(30);
    expect(parseDelay("45m")).toBe(45);
    expect(parseDelay("2h")).toBe(120);
    expect(parseDelay("1.5 hours")).toBe(90);
    expect(parseDelay("soon")).toBeNull();
    expect(parseDelay("0")).toBeNull();
    expect(parseDelay("0x10")).toBeNull();
    expect(parseDelay("1e-300")).toBeNull();
  });

  it("reads /cadence sla-escalation", () => {
    expect(parseEscalation("vp <@U0VP|vera>")).toEqual({
      ok: true,
      input: { change: "vp", vpSlackUserId: "U0VP" },
    });
    expect(parseEscalation("manager 45m")).toEqual({
      ok: true,
      input: { change: "step", step: "manager", minutes: 45 },
    });
    expect(parseEscalation("vp off")).toEqual({
      ok: true,
      input: { change: "step", step: "vp", minutes: null },
    });
    expect(parseEscalation("only Demo request, Contact sales")).toEqual({
      ok: true,
      input: { change: "sources", sources: ["Demo request", "Contact sales"] },
    });
    expect(parseEscalation("source Demo request: sla 2 manager 15 vp off")).toEqual({
      ok: true,
      input: {
        change: "source-delays",
        source: "Demo request",
        delays: { slaMinutes: 2, managerMinutes: 15, vpMinutes: null },
      },
    });
    expect(parseEscalation("manager soon").ok).toBe(false);
    expect(parseEscalation("crm-link https://crm.example.com/leads").ok).toBe(false);
  });

  it("reads /cadence team", () => {
    expect(parseTeam("East Coast <@U0MARIA>")).toEqual({
      ok: true,
      input: { change: "team", team: "East Coast", managerSlackUserId: "U0MARIA" },
    });
    expect(parseTeam("East off")).toEqual({
      ok: true,
      input: { change: "team", team: "East", managerSlackUserId: null },
    });
    expect(parseTeam("<@U0MARIA>").ok).toBe(false);
  });
});

describe("the SLA as typed", () => {
  it("reads plain decimal minutes, with or without the unit, and nothing else", () => {
    expect(readSlaMinutes("5")).toBe(5);
    expect(readSlaMinutes(" 2.5 minutes ")).toBe(2.5);
    expect(readSlaMinutes("10 min")).toBe(10);
    expect(readSlaMinutes("1440")).toBe(1440);
    for (const text of ["", "0", "1441", "0x10", "1e-300", "-5", "five", "5 hours"])
      expect(readSlaMinutes(text)).toBeNull();
  });
});
