import { describe, expect, it } from "vitest";
import { personFromSlackUser, SlackUserSchema } from "../../src/workspaces/rules.js";

const slackUser = (overrides: Record<string, unknown> = {}) =>
  SlackUserSchema.parse({
    id: "U0ALICE",
    name: "alice",
    real_name: "Alice Adams",
    tz: "Europe/Paris",
    profile: { real_name: "Alice Adams", display_name: "alice", email: "Alice@Acme.TEST" },
    ...overrides,
  });

describe("people from Slack users", () => {
  it("keeps the real name, a lower-case email and the person's timezone", () => {
    expect(personFromSlackUser(slackUser())).toEqual({
      slackUserId: "U0ALICE",
      name: "Alice Adams",
      displayName: "alice",
      email: "alice@acme.test",
      timezone: "Europe/Paris",
      isAdmin: false,
      isOwner: false,
      isBot: false,
      active: true,
    });
  });

  it("marks a deleted member inactive and an owner as owner", () => {
    const person = personFromSlackUser(
      slackUser({ deleted: true, is_primary_owner: true, is_admin: true }),
    );
    expect(person).toMatchObject({ active: false, isOwner: true, isAdmin: true });
  });

  it("falls back to the handle, then the id, when no name is set", () => {
    expect(
      personFromSlackUser(slackUser({ real_name: "", profile: { real_name: " " } })).name,
    ).toBe("alice");
    expect(personFromSlackUser(SlackUserSchema.parse({ id: "U0NONAME" })).name).toBe("U0NONAME");
  });

  it("treats Slackbot and bot users as bots", () => {
    expect(personFromSlackUser(SlackUserSchema.parse({ id: "USLACKBOT" })).isBot).toBe(true);
    expect(personFromSlackUser(slackUser({ is_bot: true })).isBot).toBe(true);
  });
});
