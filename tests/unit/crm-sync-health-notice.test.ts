// When the admins are told about a run of failed scheduled syncs: the rule alone.
import { describe, expect, it } from "vitest";
import { syncHealthNoticeDue } from "../../src/crm/health.js";

const T1 = new Date("2026-11-30T12:00:00Z");
const T2 = new Date("2026-12-01T08:00:00Z");
const state = (consecutiveFailures: number, failingSince: Date | null, told: Date | null) => ({
  consecutiveFailures,
  failingSince,
  failureNoticeSince: told,
});

describe("syncHealthNoticeDue", () => {
  it("says nothing while the syncs work, or before the threshold", () => {
    expect(syncHealthNoticeDue(state(0, null, null), 3)).toBeNull();
    expect(syncHealthNoticeDue(state(2, T1, null), 3)).toBeNull();
  });

  it("tells of the failures at the threshold, and once told, not again", () => {
    expect(syncHealthNoticeDue(state(3, T1, null), 3)).toEqual({ kind: "failing", since: T1 });
    expect(syncHealthNoticeDue(state(9, T1, null), 3)).toEqual({ kind: "failing", since: T1 });
    expect(syncHealthNoticeDue(state(9, T1, T1), 3)).toBeNull();
    expect(syncHealthNoticeDue(state(1, T1, null), 1)).toEqual({ kind: "failing", since: T1 });
  });

  it("tells of the recovery of the run it told of, even if a new run has begun since", () => {
    expect(syncHealthNoticeDue(state(0, null, T1), 3)).toEqual({ kind: "recovered", since: T1 });
    expect(syncHealthNoticeDue(state(4, T2, T1), 3)).toEqual({ kind: "recovered", since: T1 });
  });
});
