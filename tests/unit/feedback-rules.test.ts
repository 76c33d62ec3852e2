import { describe, expect, it } from "vitest";
import { refuse } from "../../src/refusals.js";
import { monthOf, noteSummary, picklistsOf, whyNotChangeable } from "../../src/feedback/rules.js";
import { DEFAULT_WIN_REASONS } from "../../src/feedback/types.js";
import { isWorkspaceAdmin } from "../../src/workspaces/rules.js";

describe("who may change a note, and until when", () => {
  const note = { authorSlackUserId: "U0AE1", submittedAt: new Date("2026-11-20T10:00:00Z") };
  it("lets its author change it for exactly 7 days", () => {
    expect(whyNotChangeable(note, "U0AE1", new Date("2026-11-27T10:00:00Z"))).toBeNull();
    expect(whyNotChangeable(note, "U0AE1", new Date("2026-11-27T10:00:00.001Z"))).toBe("too-late");
  });
  it("refuses anyone else, and a note that is gone", () => {
    expect(whyNotChangeable(note, "U0AE2", new Date("2026-11-21T10:00:00Z"))).toBe("not-author");
    expect(whyNotChangeable(null, "U0AE1", new Date("2026-11-21T10:00:00Z"))).toBe("gone");
    expect(refuse("not-note-author").message).toBe(
      "Only the person who wrote a note can change it.",
    );
  });
});

describe("what a note counts for and how it reads back", () => {
  it("counts for the month it was sent in, in the workspace's timezone", () => {
    // 1 December 02:00 UTC is still 30 November in New York.
    expect(monthOf(new Date("2026-12-01T02:00:00Z"), "America/New_York")).toBe("2026-11");
    expect(monthOf(new Date("2026-12-01T02:00:00Z"), "Europe/Berlin")).toBe("2026-12");
  });

  it("summarises a note in one line", () => {
    expect(
      noteSummary("winloss", {
        dealName: "Acme renewal",
        crmId: null,
        amount: null,
        outcome: "no_decision",
        primaryReason: "timing",
        nearlyLost: "",
        competitors: ["Globex"],
        notes: null,
      }),
    ).toBe("*Acme renewal*: No decision, timing · vs Globex");
    expect(
      noteSummary("content", {
        asset: "Pricing one-pager",
        assetUrl: null,
        stage: "proposal",
        helped: "hurt",
        buyerSaid: "",
        uncoveredObjections: null,
      }),
    ).toBe("*Pricing one-pager* in proposal: hurt");
  });

  it("offers the admin's lists, else the defaults", () => {
    expect(picklistsOf({}).winReasons).toEqual(DEFAULT_WIN_REASONS);
    expect(picklistsOf({ competitors: ["Globex"] }).competitors).toEqual(["Globex"]);
  });
});

describe("workspace admins", () => {
  it("are Slack's admins and owners; an unknown person is neither", () => {
    expect(isWorkspaceAdmin({ isAdmin: true, isOwner: false })).toBe(true);
    expect(isWorkspaceAdmin({ isAdmin: false, isOwner: true })).toBe(true);
    expect(isWorkspaceAdmin({ isAdmin: false, isOwner: false })).toBe(false);
    expect(isWorkspaceAdmin(null)).toBe(false);
  });
});
