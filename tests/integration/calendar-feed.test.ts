import { afterAll, beforeAll, expect, it } from "vitest";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";

describeEachDatabase("calendar feeds", (provider) => {
  let cadence: CadenceUnderTest;
  const command = async (user: string, text: string) =>
    (await cadence.requests.slashCommand({ command: "/cadence", text, user_id: user })).json<{
      text: string;
    }>().text;
  /** The feed URL from the reply, fetched from the running server. */
  const feedPath = (reply: string) => /\/calendar\/[A-Za-z0-9_-]+\.ics/.exec(reply)?.[0];
  const fetchFeed = (path: string) => fetch(`${cadence.baseUrl}${path}`);

  beforeAll(async () => {
    cadence = await startCadenceForTest({
      provider,
      env: { ADMIN_USER_IDS: "U0OPS", PUBLIC_URL: "https://cadence.acme.test" },
    });
    for (const [id, name] of [
      ["U0OPS", "Olga Ops"],
      ["U0BOB", "Bob Demand"],
      ["U0CAROL", "Carol Closer"],
    ])
      cadence.slack.addUser({ id: id!, real_name: name });
    await command("U0OPS", "assign weekly <@U0BOB>");
    await command("U0OPS", "assign win/loss <@U0CAROL>");
  });
  afterAll(() => cadence.stop());

  it("gives a person a private URL with their own upcoming occurrences and the DRI's name", async () => {
    const reply = await command("U0BOB", "calendar");
    expect(reply).toMatch(
      /^Subscribe to this URL in Google Calendar, Outlook or Apple Calendar .*: https:\/\/cadence\.acme\.test\/calendar\/[A-Za-z0-9_-]{43}\.ics/,
    );
    const response = await fetchFeed(feedPath(reply)!);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    const ics = await response.text();
    expect(ics).toContain("SUMMARY:Weekly funnel review (DRI: Bob Demand)");
    expect(ics).toContain("DTSTART:20261130T140000Z");
    expect(ics).toContain("DTSTART:20261207T140000Z");
    expect(ics).not.toContain("Monthly win/loss");
    // Mondays from Nov 30 2026 through May 17 2027 (180 days ahead ends May 22): 25 events.
    expect(ics.match(/BEGIN:VEVENT/g)?.length).toBe(25);
  });

  it("gives admins the workspace feed, and refuses it to others", async () => {
    expect(await command("U0BOB", "calendar workspace")).toContain(
      "Only a workspace admin or a Cadence admin",
    );
    const ics = await (
      await fetchFeed(feedPath(await command("U0OPS", "calendar workspace"))!)
    ).text();
    expect(ics).toContain("SUMMARY:Monthly win/loss (DRI: Carol Closer)");
    expect(ics).toContain("DTSTART:20261201T150000Z");
    expect(ics).toContain("SUMMARY:Weekly funnel review (DRI: Bob Demand)");
  });

  it("shows the new DRI after a hand-over", async () => {
    const path = feedPath(await command("U0OPS", "calendar workspace"))!;
    await command("U0OPS", "handover <@U0BOB> <@U0CAROL>");
    const ics = await (await fetchFeed(path)).text();
    expect(ics).toContain("SUMMARY:Weekly funnel review (DRI: Carol Closer)");
    expect(ics).not.toContain("Bob Demand)");
  });

  it("stops serving a revoked or replaced URL, and never an unknown one", async () => {
    const first = feedPath(await command("U0CAROL", "calendar"))!;
    const second = feedPath(await command("U0CAROL", "calendar"))!;
    expect((await fetchFeed(first)).status).toBe(404);
    expect((await fetchFeed(second)).status).toBe(200);
    expect(await command("U0CAROL", "calendar revoke")).toBe(
      "Revoked: the old calendar URL no longer works.",
    );
    expect((await fetchFeed(second)).status).toBe(404);
    expect(
      (await fetchFeed("/calendar/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics")).status,
    ).toBe(404);
    const stored = await cadence.running.database.db.calendarFeed.findMany();
    expect(stored.every((feed) => !JSON.stringify(feed).includes(second.slice(10, 30)))).toBe(true);
  });
});
