import { describe, expect, it } from "vitest";
import {
  leadContentHash,
  leadInputSchema,
  parseLead,
  parseTimestamp,
  unknownColumns,
  whyNotImportable,
} from "../../src/funnel/rules.js";

const NY = "America/New_York";
const schema = leadInputSchema(NY);
const row = (overrides: Record<string, string> = {}) => ({
  id: "L-1",
  mql_at: "2026-11-23T14:00:00Z",
  ...overrides,
});
const problemsOf = (overrides: Record<string, string>) => {
  const parsed = parseLead(schema, row(overrides), 7);
  return parsed.ok ? [] : parsed.problems.map((p) => `${p.column}: ${p.problem}`);
};

describe("lead timestamps", () => {
  it.each([
    ["2026-11-23T09:15:00Z", "2026-11-23T09:15:00.000Z"],
    ["2026-11-23T09:15:00-05:00", "2026-11-23T14:15:00.000Z"],
    ["2026-11-23T09:15:00+0100", "2026-11-23T08:15:00.000Z"],
    ["2026-11-23T09:15:00", "2026-11-23T14:15:00.000Z"], // no offset: New York, EST
    ["2026-07-01 09:15", "2026-07-01T13:15:00.000Z"], // no offset: New York, EDT
    ["2026-11-01T01:30:00", "2026-11-01T05:30:00.000Z"], // repeated hour: the earlier (EDT) reading
    ["2027-03-14T02:30:00", "2027-03-14T07:30:00.000Z"], // skipped hour: moved forward to 03:30 EDT
    ["2026-11-23", "2026-11-23T05:00:00.000Z"], // a date: local midnight
  ])("%s is %s", (text, expected) => {
    expect(parseTimestamp(text, NY)?.toISOString()).toBe(expected);
  });

  it.each(["23/11/2026", "2026-02-30T10:00:00", "yesterday", "2026-11-23T25:00:00Z"])(
    "%s does not parse",
    (text) => {
      expect(parseTimestamp(text, NY)).toBeNull();
    },
  );
});

describe("lead validation", () => {
  it("normalises a full record", () => {
    const parsed = parseLead(
      schema,
      row({
        first_touch_at: "2026-11-23T14:03:00Z",
        accepted_at: "2026-11-24T10:00:00Z",
        amount: "12,500.50",
        owner: " ana@acme.test ",
        sourced_by: "Sales",
        influenced: "TRUE",
        country: "",
      }),
      2,
    );
    expect(parsed.ok && parsed.record).toMatchObject({
      crmId: "L-1",
      firstTouchAt: new Date("2026-11-23T14:03:00Z"),
      acceptedAt: new Date("2026-11-24T10:00:00Z"),
      amount: "12500.5",
      owner: "ana@acme.test",
      sourcedBy: "sales",
      influenced: true,
      country: null,
    });
  });

  it("defaults sourced_by to marketing and influenced to false", () => {
    const parsed = parseLead(schema, row(), 2);
    expect(parsed.ok && [parsed.record.sourcedBy, parsed.record.influenced]).toEqual([
      "marketing",
      false,
    ]);
  });

  it("accepts a first touch before the MQL (an immediate response)", () => {
    expect(problemsOf({ first_touch_at: "2026-11-23T13:00:00Z" })).toEqual([]);
  });

  it.each([
    [{ id: "" }, "id: is required: the CRM's id for the lead"],
    [{ mql_at: "" }, "mql_at: is required: an ISO 8601 timestamp such as 2026-11-23T09:15:00Z"],
    [{ accepted_at: "next week" }, "accepted_at: is not an ISO 8601 timestamp"],
    [{ amount: "12k" }, "amount: is not a number (e.g. 12500 or 12500.50)"],
    [{ sourced_by: "events" }, "sourced_by: must be one of marketing, sales, partner, other"],
    [{ influenced: "maybe" }, "influenced: must be true or false"],
    [
      { rejected_at: "2026-11-24T10:00:00Z" },
      "rejection_reason: is required when rejected_at is set",
    ],
    [
      {
        accepted_at: "2026-11-24T10:00:00Z",
        rejected_at: "2026-11-24T10:00:00Z",
        rejection_reason: "no budget",
      },
      "rejected_at: cannot be set together with accepted_at",
    ],
    [
      { closed_won_at: "2026-12-01T10:00:00Z", closed_lost_at: "2026-12-02T10:00:00Z" },
      "closed_lost_at: cannot be set together with closed_won_at",
    ],
  ])("refuses %j with a clear message", (overrides, message) => {
    const problems = problemsOf(overrides);
    expect(problems.some((p) => p.startsWith(message))).toBe(true);
  });

  it("says which line, column and value is wrong", () => {
    const parsed = parseLead(schema, row({ amount: "lots" }), 42);
    expect(parsed.ok ? null : parsed.problems[0]).toEqual({
      line: 42,
      column: "amount",
      value: "lots",
      problem: "is not a number (e.g. 12500 or 12500.50)",
    });
  });

  it("reports unknown columns, and fingerprints content so unchanged rows are skipped", () => {
    expect(unknownColumns(["id", "mql_at", "hubspot_score", "owner", "notes"])).toEqual([
      "hubspot_score",
      "notes",
    ]);
    const a = parseLead(schema, row({ amount: "100" }), 2);
    const b = parseLead(schema, row({ amount: "100.00" }), 3);
    const c = parseLead(schema, row({ amount: "101" }), 4);
    if (!a.ok || !b.ok || !c.ok) throw new Error("expected valid rows");
    expect(leadContentHash(a.record)).toBe(leadContentHash(b.record));
    expect(leadContentHash(a.record)).not.toBe(leadContentHash(c.record));
  });
});

describe("files shared in Slack for import", () => {
  it("takes a CSV up to 200 MB, and says why not otherwise", () => {
    const mb = 1024 * 1024;
    expect(whyNotImportable({ name: "leads.csv", filetype: "csv", size: 200 * mb })).toBeNull();
    expect(whyNotImportable({ name: "Leads.CSV", filetype: "", size: 10 })).toBeNull();
    expect(whyNotImportable({ name: "deck.pdf", filetype: "pdf", size: 10 })?.message).toBe(
      "*deck.pdf* is not a CSV file. Export the leads from your CRM as CSV and share that. Nothing was imported.",
    );
    expect(
      whyNotImportable({ name: "big.csv", filetype: "csv", size: 200 * mb + 1 })?.message,
    ).toContain(
      "*big.csv* is larger than 200 MB. Import it with `cadence import leads` on the server",
    );
  });
});
