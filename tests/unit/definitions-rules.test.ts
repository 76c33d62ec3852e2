import { describe, expect, it } from "vitest";
import {
  approvalProblem,
  daysSince,
  readList,
  sidesApprovedBy,
  subjectState,
  termsOf,
  type Version,
} from "../../src/definitions/rules.js";

let n = 0;
const version = (fields: Partial<Version> = {}): Version => ({
  id: `v${(n += 1)}`,
  subject: "mql",
  version: 1,
  text: "A lead that…",
  terms: {},
  effectiveOn: "2026-12-01",
  proposedBySlackUserId: "U0OPS",
  proposedAt: new Date("2026-11-30T12:00:00Z"),
  marketingApprovedBySlackUserId: null,
  marketingApprovedAt: null,
  salesApprovedBySlackUserId: null,
  salesApprovedAt: null,
  agreedAt: null,
  withdrawnAt: null,
  ...fields,
});
const agreed = new Date("2026-11-30T13:00:00Z");
const owners = { marketingLeadSlackUserId: "U0MIA", salesLeadSlackUserId: "U0SAM" };

describe("where a definition stands", () => {
  it("is never agreed with nothing in force and nothing proposed", () => {
    expect(subjectState("mql", [], "2026-12-01")).toMatchObject({
      agreement: "never-agreed",
      current: null,
      pending: null,
    });
  });

  it("is pending while a proposal waits, even with an older version in force", () => {
    const v1 = version({ version: 1, agreedAt: agreed, effectiveOn: "2026-06-01" });
    const v2 = version({ version: 2 });
    const state = subjectState("mql", [v1, v2], "2026-12-01");
    expect(state).toMatchObject({ agreement: "pending", current: v1, pending: v2 });
  });

  it("puts the newest agreed version in force only from its effective date", () => {
    const v1 = version({ version: 1, agreedAt: agreed, effectiveOn: "2026-06-01" });
    const v2 = version({ version: 2, agreedAt: agreed, effectiveOn: "2027-01-01" });
    expect(subjectState("mql", [v1, v2], "2026-12-31")).toMatchObject({
      agreement: "agreed",
      current: v1,
      scheduled: v2,
    });
    expect(subjectState("mql", [v1, v2], "2027-01-01")).toMatchObject({
      current: v2,
      scheduled: null,
    });
  });

  it("ignores withdrawn proposals and other definitions", () => {
    const withdrawn = version({ withdrawnAt: agreed });
    const icp = version({ subject: "icp", agreedAt: agreed });
    expect(subjectState("mql", [withdrawn, icp], "2026-12-01").agreement).toBe("never-agreed");
  });
});

describe("who approves", () => {
  it("counts the marketing lead for marketing and the sales lead for sales", () => {
    const v = version();
    expect(sidesApprovedBy(owners, v, "U0MIA")).toEqual(["marketing"]);
    expect(sidesApprovedBy(owners, v, "U0SAM")).toEqual(["sales"]);
    expect(approvalProblem(owners, v, "U0EVE")).toBe("not-an-owner");
  });

  it("lets one person who leads both sides approve both", () => {
    const both = { marketingLeadSlackUserId: "U0MIA", salesLeadSlackUserId: "U0MIA" };
    expect(sidesApprovedBy(both, version(), "U0MIA")).toEqual(["marketing", "sales"]);
  });

  it("refuses a second click, a withdrawn or agreed version, and a workspace without leads", () => {
    const approved = version({
      marketingApprovedAt: agreed,
      marketingApprovedBySlackUserId: "U0MIA",
    });
    expect(approvalProblem(owners, approved, "U0MIA")).toBe("already-approved");
    expect(approvalProblem(owners, approved, "U0SAM")).toBeNull();
    expect(approvalProblem(owners, version({ withdrawnAt: agreed }), "U0MIA")).toBe("withdrawn");
    expect(approvalProblem(owners, version({ agreedAt: agreed }), "U0MIA")).toBe("already-agreed");
    expect(approvalProblem({ marketingLeadSlackUserId: "U0MIA" }, version(), "U0MIA")).toBe(
      "no-owners",
    );
  });
});

describe("terms and small readings", () => {
  it("reads an ICP's lists, dropping blanks and repeats in any case", () => {
    expect(readList("software, Fintech ,, software\nSOFTWARE, retail")).toEqual([
      "software",
      "Fintech",
      "retail",
    ]);
  });

  it("falls back to defaults for terms that do not parse", () => {
    expect(termsOf("sla", { minutes: -3 })).toEqual({ minutes: 5 });
    expect(termsOf("icp", undefined)).toEqual({ industries: [], companySizes: [], countries: [] });
  });

  it("counts whole days since a review, null when never reviewed", () => {
    const now = new Date("2026-12-31T12:00:00Z");
    expect(daysSince(new Date("2026-12-01T13:00:00Z"), now)).toBe(29);
    expect(daysSince(null, now)).toBeNull();
  });
});
