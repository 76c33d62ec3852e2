import { afterAll, beforeAll, expect, it } from "vitest";
import { createApiToken, revokeApiToken } from "../../src/funnel/tokens.js";
import { startCadenceForTest, type CadenceUnderTest } from "../helpers/cadence.js";
import { describeEachDatabase } from "../helpers/databases.js";

describeEachDatabase("the ingest API", (provider) => {
  let cadence: CadenceUnderTest;
  let acmeToken: string;
  let otherToken: string;
  const db = () => cadence.running.database.db;
  const post = (body: string, token: string | null, contentType = "application/json", query = "") =>
    fetch(`${cadence.baseUrl}/api/v1/leads${query}`, {
      method: "POST",
      headers: {
        "content-type": contentType,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body,
    });

  beforeAll(async () => {
    cadence = await startCadenceForTest({ provider });
    await db().workspace.create({
      data: { slackTeamId: "T0OTHER", name: "Other Co", timezone: "UTC", settings: {} },
    });
    acmeToken = (await createApiToken(db(), cadence.slack.teamId, "crm sync")).token;
    otherToken = (await createApiToken(db(), "T0OTHER", "other sync")).token;
  });
  afterAll(() => cadence.stop());

  it("refuses a request without a valid token (401)", async () => {
    const body = JSON.stringify([{ id: "L-1", mql_at: "2026-11-23T14:00:00Z" }]);
    for (const token of [null, "cad_not-a-real-token", "Basic abc"]) {
      const response = await post(body, token);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe("Bearer");
    }
    expect(await db().lead.count()).toBe(0);
  });

  it("imports a JSON array and answers with the summary", async () => {
    const records = [
      {
        id: "L-1",
        mql_at: "2026-11-23T09:00:00",
        amount: 1200.5,
        influenced: true,
        sourced_by: "partner",
      },
      {
        id: "L-2",
        mql_at: "2026-11-23T14:00:00Z",
        rejected_at: "2026-11-24T10:00:00Z",
        rejection_reason: "no budget",
        crm_extra: 1,
      },
    ];
    const response = await post(JSON.stringify(records), acmeToken);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      rowsRead: 2,
      inserted: 2,
      updated: 0,
      unchanged: 0,
      invalid: 0,
      unknownColumns: ["crm_extra"],
      written: true,
    });
    const lead = await db().lead.findUniqueOrThrow({
      where: { slackTeamId_crmId: { slackTeamId: cadence.slack.teamId, crmId: "L-1" } },
    });
    expect(lead).toMatchObject({
      mqlAt: new Date("2026-11-23T14:00:00Z"),
      influenced: true,
      sourcedBy: "partner",
    }); // 09:00 New York
    expect(lead.amount?.toString()).toBe("1200.5");
    const again = await post(JSON.stringify(records), acmeToken);
    expect(await again.json()).toMatchObject({ inserted: 0, unchanged: 2 });
  });

  it("imports NDJSON, and answers 400 with each invalid record's line, writing nothing", async () => {
    const ndjson = [
      '{"id":"L-3","mql_at":"2026-11-25T10:00:00Z"}',
      '{"id":"L-4","mql_at":"2026-11-25T10:00:00Z","sourced_by":"events"}',
    ].join("\n");
    const response = await post(ndjson, acmeToken, "application/x-ndjson");
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: string;
      written: boolean;
      problems: unknown[];
    };
    expect(body).toMatchObject({ error: "invalid_records", written: false, invalid: 1 });
    expect(body.problems).toEqual([
      {
        line: 2,
        column: "sourced_by",
        value: "events",
        problem: "must be one of marketing, sales, partner, other",
      },
    ]);
    expect(await db().lead.count({ where: { crmId: "L-3" } })).toBe(0);

    const skipping = await post(ndjson, acmeToken, "application/x-ndjson", "?skip_invalid=true");
    expect(skipping.status).toBe(200);
    expect(await skipping.json()).toMatchObject({ inserted: 1, invalid: 1 });
  });

  it("answers 400 for a body that is not records, and 413 past the size limit", async () => {
    const garbage = await post("{not json", acmeToken);
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toMatchObject({ error: "invalid_body" });
    const huge = JSON.stringify([
      { id: "L-big", mql_at: "2026-11-23T14:00:00Z", notes: "x".repeat(11 * 1024 * 1024) },
    ]);
    const tooLarge = await post(huge, acmeToken);
    expect(tooLarge.status).toBe(413);
    expect(await db().lead.count({ where: { crmId: "L-big" } })).toBe(0);
  });

  it("never lets one workspace's token write another's data", async () => {
    const response = await post(
      JSON.stringify([
        { id: "L-1", mql_at: "2027-01-01T00:00:00Z", team_id: cadence.slack.teamId },
      ]),
      otherToken,
    );
    expect(response.status).toBe(200);
    const acme = await db().lead.findUniqueOrThrow({
      where: { slackTeamId_crmId: { slackTeamId: cadence.slack.teamId, crmId: "L-1" } },
    });
    expect(acme.mqlAt.toISOString()).toBe("2026-11-23T14:00:00.000Z");
    expect(await db().lead.count({ where: { slackTeamId: "T0OTHER" } })).toBe(1);
  });

  it("stops accepting a revoked token", async () => {
    const { id, token } = await createApiToken(db(), cadence.slack.teamId, "temporary");
    expect((await post("[]", token)).status).toBe(200);
    expect(await revokeApiToken(db(), id, new Date())).toBe(true);
    expect((await post("[]", token)).status).toBe(401);
  });

  it("answers 507 with a clear message when the database's disk is full, storing none of the records", async () => {
    // A real driver error: SQLite's SQLITE_FULL from a page cap on the import's own connection;
    // PostgreSQL's 53100 disk_full from a trigger, as the server raises it when it cannot extend a file.
    const database = cadence.running.database as typeof cadence.running.database & {
      sqlitePragmas?: string[];
    };
    if (provider === "sqlite") {
      const [{ pages }] = await db().$queryRawUnsafe<[{ pages: number }]>(
        "SELECT page_count AS pages FROM pragma_page_count()",
      );
      database.sqlitePragmas = [`max_page_count = ${Number(pages)}`];
    } else {
      await db().$executeRawUnsafe(
        `CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
           RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full';
         END $$`,
      );
      await db().$executeRawUnsafe(
        `CREATE TRIGGER disk_full BEFORE INSERT ON "Lead" FOR EACH ROW EXECUTE FUNCTION disk_full()`,
      );
    }
    try {
      const records = Array.from({ length: 500 }, (_, i) => ({
        id: `FULL-${i}`,
        mql_at: "2026-11-23T14:00:00Z",
        owner: "x".repeat(200),
      }));
      const response = await post(JSON.stringify(records), acmeToken);
      expect(response.status).toBe(507);
      expect(response.headers.get("content-type")).toContain("application/json");
      expect(await response.json()).toEqual({
        error: "insufficient_storage",
        message: expect.stringMatching(
          /^The database's disk is full: none of these records were stored\. Free disk space .* send the same request again/,
        ),
        stored: 0,
      });
      expect(await db().lead.count({ where: { crmId: { startsWith: "FULL-" } } })).toBe(0);
    } finally {
      delete database.sqlitePragmas;
      if (provider === "postgres") {
        await db().$executeRawUnsafe(`DROP TRIGGER disk_full ON "Lead"`);
        await db().$executeRawUnsafe(`DROP FUNCTION disk_full()`);
      }
    }
    const recovered = await post(
      JSON.stringify([{ id: "FULL-0", mql_at: "2026-11-23T14:00:00Z" }]),
      acmeToken,
    );
    expect(recovered.status).toBe(200);
  });
});
