import { describe, expect, it } from "vitest";
import {
  moveOccurrenceModal,
  occurrenceConfirmation,
  skipOccurrenceModal,
} from "../../src/cadences/occurrence-views.js";
import type { Recurrence } from "../../src/cadences/recurrence.js";
import { driButtons } from "../../src/cadences/views.js";
import { homeView, type HomeCadence } from "../../src/home/views.js";
import { mrkdwnProblems, ownMentions } from "../helpers/mrkdwn.js";

/** A title an admin could type for a custom cadence. */
const HOSTILE_TITLE = "<!channel> QBR ``` <https://evil.example|prep> & <@U0EVIL>";
const weekly: Recurrence = {
  kind: "weekly",
  weekdays: ["monday"],
  time: "09:00",
  everyWeeks: 1,
  anchor: "2026-01-05",
};
const input = {
  cadenceId: "c1",
  title: HOSTILE_TITLE,
  timezone: "America/New_York",
  dueAt: new Date("2026-11-30T14:00:00Z"),
  origin: { surface: "home" as const },
};

describe("skipping and moving one occurrence: views", () => {
  it("escapes the title in both modals and keeps what the submission needs in private_metadata", () => {
    const modals = [skipOccurrenceModal(input), moveOccurrenceModal(input)];
    expect(mrkdwnProblems(modals, [])).toEqual([]);
    for (const modal of modals)
      expect(JSON.parse(modal.private_metadata!)).toEqual({
        cadenceId: "c1",
        dueAt: "2026-11-30T14:00:00.000Z",
        origin: { surface: "home" },
      });
  });

  it("quotes a reason escaped in the confirmation, our own mention intact", () => {
    const text = occurrenceConfirmation(
      "skip",
      "<@U0BOB> skipped *QBR* on Mon, Nov 30, 09:00 EST.",
      "offsite <!here>",
    );
    expect(mrkdwnProblems({ text }, ownMentions(["U0BOB"]))).toEqual([]);
    expect(text).toBe(
      ":fast_forward: <@U0BOB> skipped *QBR* on Mon, Nov 30, 09:00 EST. Reason: offsite &lt;!here&gt;",
    );
  });

  it("adds Skip this one and Move to… only when the buttons know which date they are for", () => {
    const ids = (block: ReturnType<typeof driButtons>) =>
      (block as { elements: Array<{ action_id: string }> }).elements.map((e) => e.action_id);
    expect(ids(driButtons("c1"))).toHaveLength(3);
    expect(ids(driButtons("c1", new Date("2026-11-30T14:00:00Z"))).slice(3)).toEqual([
      "cadence_skip_occurrence",
      "cadence_move_occurrence",
    ]);
  });

  it("says on the Home tab when the next date was moved off a holiday", () => {
    const cadence: HomeCadence = {
      id: "c1",
      title: "Weekly funnel review",
      active: true,
      driSlackUserId: "U0BOB",
      backupSlackUserId: null,
      nextDueAt: new Date("2026-12-29T14:00:00Z"),
      timezone: "America/New_York",
      recurrence: weekly,
      nextShift: { why: "holiday", from: new Date("2026-12-28T14:00:00Z") },
    };
    const view = homeView({
      slackUserId: "U0BOB",
      workspaceName: "Acme",
      isAdmin: false,
      cadences: [cadence],
    });
    expect(JSON.stringify(view)).toContain(
      "next *Tue, Dec 29, 09:00 EST* (holiday: moved from Mon, Dec 28, 09:00 EST)",
    );
  });
});
