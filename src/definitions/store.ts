// The register's rows: every version of every definition, and what each review decided.
import type { Db } from "../db/client.js";
import { SUBJECTS, type Subject, type Version } from "./rules.js";

const asVersion = (row: Omit<Version, "subject"> & { subject: string }): Version => ({
  ...row,
  subject: (SUBJECTS as readonly string[]).includes(row.subject) ? (row.subject as Subject) : "mql",
});

export async function versionsOf(
  db: Db,
  slackTeamId: string,
  subject?: Subject,
): Promise<Version[]> {
  const rows = await db.definitionVersion.findMany({
    where: { slackTeamId, ...(subject ? { subject } : {}) },
    orderBy: [{ subject: "asc" }, { version: "desc" }],
  });
  return rows.map(asVersion);
}

export async function findVersion(
  db: Db,
  slackTeamId: string,
  id: string,
): Promise<Version | null> {
  const row = await db.definitionVersion.findFirst({ where: { id, slackTeamId } });
  return row ? asVersion(row) : null;
}

/** When each subject was last reviewed (up to `before`): its latest agreement or review decision. */
export async function lastReviewedAt(
  db: Db,
  slackTeamId: string,
  before: Date,
): Promise<Record<Subject, Date | null>> {
  const [agreed, decided] = await Promise.all([
    db.definitionVersion.groupBy({
      by: ["subject"],
      where: { slackTeamId, agreedAt: { not: null, lte: before } },
      _max: { agreedAt: true },
    }),
    db.reviewDecision.groupBy({
      by: ["subject"],
      where: { slackTeamId, decidedAt: { lte: before } },
      _max: { decidedAt: true },
    }),
  ]);
  const latest = Object.fromEntries(SUBJECTS.map((s) => [s, null])) as Record<Subject, Date | null>;
  const consider = (subject: string, at: Date | null | undefined) => {
    if (!at || !(SUBJECTS as readonly string[]).includes(subject)) return;
    const known = latest[subject as Subject];
    if (!known || at > known) latest[subject as Subject] = at;
  };
  for (const row of agreed) consider(row.subject, row._max.agreedAt);
  for (const row of decided) consider(row.subject, row._max.decidedAt);
  return latest;
}
