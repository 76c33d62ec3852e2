// The `/cadence` table: a capability adds an entry and the router and help know it, untouched.
import { describe, expect, it } from "vitest";
import { argumentProblemBlocks, helpBlocks, usageBlocks } from "../../src/help/views.js";
import { SUBCOMMANDS } from "../../src/slack/capabilities.js";
import { subcommand, SubcommandTable } from "../../src/slack/subcommands.js";

const leave = subcommand<{ days: number }>({
  name: "leave",
  usage: "/cadence leave <days>",
  description: "Hand your cadences to your backups while you are away.",
  parse: (args) =>
    Number(args) > 0
      ? { ok: true, input: { days: Number(args) } }
      : { ok: false, problem: "For how many days?" },
  run: ({ days }) => Promise.resolve({ text: `On leave for ${days} days.` }),
});

describe("the table of /cadence subcommands", () => {
  it("routes to an entry a capability registers, and lists it in the help", async () => {
    const table = new SubcommandTable([...SUBCOMMANDS.entries, leave]);
    const reading = table.read("LEAVE 3");
    expect(reading.ok && reading.entry.name).toBe("leave");
    expect(reading.ok && (await reading.run.run({} as never))).toEqual({
      text: "On leave for 3 days.",
    });
    expect(JSON.stringify(helpBlocks(table))).toContain("/cadence leave &lt;days&gt;");
  });

  it("answers a problem with the entry's usage", () => {
    const table = new SubcommandTable([leave]);
    expect(table.read("leave soon")).toEqual({
      ok: false,
      problem: "For how many days? Usage: `/cadence leave <days>`",
      unknown: false,
    });
    expect(table.read("vacation soon")).toMatchObject({ ok: false, unknown: true });
  });

  it("answers a known subcommand typed wrong with its usage alone, an unknown one with the list", () => {
    const known = argumentProblemBlocks("For how many days? Usage: `/cadence leave <days>`");
    expect(JSON.stringify(known)).not.toContain("Here is what I can do");
    expect(JSON.stringify(known)).toContain("`/cadence help` lists every command.");
    expect(JSON.stringify(usageBlocks("I don't know `/cadence vacation`.", SUBCOMMANDS))).toContain(
      "Here is what I can do",
    );
  });

  it("refuses two capabilities claiming the same name", () => {
    expect(() => new SubcommandTable([...SUBCOMMANDS.entries, { ...leave, name: "list" }])).toThrow(
      "/cadence list is registered twice",
    );
  });

  it("holds every subcommand the capabilities register today", () => {
    expect(SUBCOMMANDS.entries.map((entry) => entry.name)).toEqual([
      "help",
      "list",
      "assign",
      "backup",
      "handover",
      "pause",
      "resume",
      "done",
      "channel",
      "admin-channel",
      "grace",
      "away",
      "edit",
      "new",
      "archive",
      "calendar",
      "sales",
      "marketing",
      "threshold",
      "picklist",
      "holiday",
      "import",
      "sla",
      "sla-escalation",
      "sla-hours",
      "team",
      "crm",
      "digest",
      "definitions",
      "leads",
      "review",
    ]);
  });
});
