// The definitions register's rules: the four definitions marketing and sales must agree on, what
// each version carries, when a version is in force, and who may approve it. Pure.
import { z } from "zod";

export const SUBJECTS = ["mql", "icp", "sla", "attribution"] as const;
export type Subject = (typeof SUBJECTS)[number];

export const SUBJECT_TITLES: Record<Subject, string> = {
  mql: "MQL definition",
  icp: "Ideal customer profile (ICP)",
  sla: "Speed-to-lead SLA",
  attribution: "Attribution model",
};

/** Default share of won deals outside the ICP, over a quarter, that brings the ICP review forward. */
export const DEFAULT_OUTSIDE_ICP_THRESHOLD = 0.4;

const List = z.array(z.string().trim().min(1).max(80)).max(50);

/** What a version carries beyond its text, by subject (stored as JSON in DefinitionVersion.terms). */
export const TermsSchemas = {
  mql: z.object({
    /** The monthly rejection rate that, two months running, brings the MQL review forward. */
    rejectionThreshold: z.number().min(0.01).max(0.99).optional(),
  }),
  icp: z.object({
    industries: List.default([]),
    companySizes: List.default([]),
    countries: List.default([]),
    /** Share of a quarter's won deals outside the ICP that brings the ICP review forward. */
    outsideThreshold: z.number().min(0.01).max(0.99).optional(),
  }),
  sla: z.object({ minutes: z.number().positive().max(1440) }),
  attribution: z.object({}),
} as const;
export type MqlTerms = z.infer<typeof TermsSchemas.mql>;
export type IcpTerms = z.infer<typeof TermsSchemas.icp>;
export type SlaTerms = z.infer<typeof TermsSchemas.sla>;
export type Terms = MqlTerms | IcpTerms | SlaTerms | Record<string, never>;

export interface Version {
  id: string;
  subject: Subject;
  version: number;
  text: string;
  terms: unknown;
  /** The local date (workspace timezone) from which it is in force once agreed: YYYY-MM-DD. */
  effectiveOn: string;
  proposedBySlackUserId: string;
  proposedAt: Date;
  marketingApprovedBySlackUserId: string | null;
  marketingApprovedAt: Date | null;
  salesApprovedBySlackUserId: string | null;
  salesApprovedAt: Date | null;
  agreedAt: Date | null;
  withdrawnAt: Date | null;
}

/**
 * Where a definition stands: `agreed` (a version both sides approved is in force and nothing is
 * waiting), `pending` (a proposal waits for an approval, whether or not an older one is in force),
 * `never-agreed` (nothing in force and nothing proposed).
 */
export type Agreement = "agreed" | "pending" | "never-agreed";

export interface SubjectState {
  subject: Subject;
  agreement: Agreement;
  /** The version in force today, if any. */
  current: Version | null;
  /** Agreed, but its effective date is still to come. */
  scheduled: Version | null;
  /** Waiting for one or both approvals. */
  pending: Version | null;
}

export const isPending = (v: Version) => v.agreedAt === null && v.withdrawnAt === null;

/** The state of one subject on `today` (YYYY-MM-DD in the workspace's timezone). */
export function subjectState(subject: Subject, versions: readonly Version[], today: string) {
  const own = versions.filter((v) => v.subject === subject).sort((a, b) => b.version - a.version);
  const agreed = own.filter((v) => v.agreedAt !== null);
  const current = agreed.find((v) => v.effectiveOn <= today) ?? null;
  const scheduled =
    agreed.find((v) => v.effectiveOn > today && (!current || v.version > current.version)) ?? null;
  const pending = own.find(isPending) ?? null;
  const agreement: Agreement = pending ? "pending" : current ? "agreed" : "never-agreed";
  return { subject, agreement, current, scheduled, pending } satisfies SubjectState;
}

export function termsOf<S extends Subject>(
  subject: S,
  terms: unknown,
): z.infer<(typeof TermsSchemas)[S]> {
  const parsed = TermsSchemas[subject].safeParse(terms ?? {});
  return (
    parsed.success ? parsed.data : TermsSchemas[subject].parse(defaultTerms(subject))
  ) as z.infer<(typeof TermsSchemas)[S]>;
}

function defaultTerms(subject: Subject): unknown {
  return subject === "sla" ? { minutes: 5 } : {};
}

export interface Owners {
  marketingLeadSlackUserId?: string;
  salesLeadSlackUserId?: string;
}

export type ApprovalSide = "marketing" | "sales";

/**
 * The sides a click approves: each side whose lead is the person clicking and which is not
 * approved yet. A person who leads both sides approves both (the admin chose so).
 */
export function sidesApprovedBy(
  owners: Owners,
  version: Version,
  slackUserId: string,
): ApprovalSide[] {
  const sides: ApprovalSide[] = [];
  if (owners.marketingLeadSlackUserId === slackUserId && !version.marketingApprovedAt)
    sides.push("marketing");
  if (owners.salesLeadSlackUserId === slackUserId && !version.salesApprovedAt) sides.push("sales");
  return sides;
}

/** Why a person cannot approve `version`, or null when the click counts. */
export function approvalProblem(
  owners: Owners,
  version: Version,
  slackUserId: string,
): "withdrawn" | "already-agreed" | "no-owners" | "not-an-owner" | "already-approved" | null {
  if (version.withdrawnAt) return "withdrawn";
  if (version.agreedAt) return "already-agreed";
  if (!owners.marketingLeadSlackUserId || !owners.salesLeadSlackUserId) return "no-owners";
  const isOwner =
    owners.marketingLeadSlackUserId === slackUserId || owners.salesLeadSlackUserId === slackUserId;
  if (!isOwner) return "not-an-owner";
  return sidesApprovedBy(owners, version, slackUserId).length ? null : "already-approved";
}

/** Whole days from `since` to `now` (floored), or null without a date. */
export function daysSince(since: Date | null, now: Date): number | null {
  return since ? Math.max(0, Math.floor((now.getTime() - since.getTime()) / 86_400_000)) : null;
}

export const MAX_TEXT_CHARS = 2_800;

/** Reads "software, retail ,, fintech" into a clean list (case kept, blanks and repeats dropped). */
export function readList(text: string | null | undefined): string[] {
  const seen = new Set<string>();
  const items: string[] = [];
  for (const raw of (text ?? "").split(/[,\n]/)) {
    const item = raw.trim();
    if (item && !seen.has(item.toLowerCase())) {
      seen.add(item.toLowerCase());
      items.push(item);
    }
  }
  return items;
}
