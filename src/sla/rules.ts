// The speed-to-lead watch's rules, with no I/O: which leads are watched, when each step falls
// due, what is next for a watched lead, and how a day's compliance is counted.
// Steps (docs/domain.md): the owner when the SLA runs out (default 5 minutes), the owner's manager
// at 30 minutes, the VP Sales at 2 hours, all in working time from the MQL time.
import { addWorkingMinutes, type WorkingCalendar, type WorkingHours } from "./clock.js";
import { DEFAULT_WORKING_HOURS } from "./clock.js";
import type { SlaEscalation } from "./settings.js";

export const DEFAULT_SLA_MINUTES = 5;

/**
 * The speed-to-lead SLA as typed (`5`, `2.5 minutes`), or null: plain decimal minutes, more than 0
 * and at most a day (Number() alone would read `0x10` as 16 and `1e-300` as a number).
 */
export function readSlaMinutes(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*(?:min(?:ute)?s?)?$/i.exec(text.trim());
  const minutes = match ? Number(match[1]) : NaN;
  return minutes > 0 && minutes <= 24 * 60 ? minutes : null;
}
export const DEFAULT_MANAGER_MINUTES = 30;
export const DEFAULT_VP_MINUTES = 120;
/** A lead that arrives more than this after its SLA ran out is a breach found late: no page. */
export const LATE_ARRIVAL_MS = 15 * 60_000;
/** At most one speed-to-lead DM per person (or channel) in this long. */
export const DM_INTERVAL_MS = 5 * 60_000;
export const SNOOZE_MS = 10 * 60_000;
/** Leads whose MQL time is older than this when they arrive are history, not watched at all. */
export const WATCH_HORIZON_MS = 7 * 24 * 3_600_000;

export type Step = "owner" | "manager" | "vp" | "reminder";
const STEP_ORDER: readonly Step[] = ["owner", "manager", "vp"];

export interface SlaPlan {
  slaMinutes: number;
  managerMinutes: number | null;
  vpMinutes: number | null;
}

export interface SlaSettings {
  slaMinutes?: number;
  slaHours?: "always" | { days: number[]; startMinute: number; endMinute: number };
  slaEscalation?: SlaEscalation;
}

/** The steps a lead from `source` gets, or null when the workspace watches only other sources. */
export function planFor(settings: SlaSettings, source: string | null): SlaPlan | null {
  const escalation = settings.slaEscalation ?? {};
  const key = source?.trim().toLowerCase() ?? "";
  if (escalation.sources && !escalation.sources.some((s) => s.trim().toLowerCase() === key))
    return null;
  // Own keys only: a source named "constructor" must not read Object.prototype's.
  const perSource = escalation.perSource ?? {};
  const own = Object.hasOwn(perSource, key) ? perSource[key]! : {};
  const pick = (value: number | null | undefined, fallback: number | null) =>
    value === undefined ? fallback : value;
  return {
    slaMinutes: own.slaMinutes ?? settings.slaMinutes ?? DEFAULT_SLA_MINUTES,
    managerMinutes: pick(
      own.managerMinutes,
      pick(escalation.managerMinutes, DEFAULT_MANAGER_MINUTES),
    ),
    vpMinutes: pick(own.vpMinutes, pick(escalation.vpMinutes, DEFAULT_VP_MINUTES)),
  };
}

export function workingHoursOf(settings: SlaSettings): WorkingHours {
  const hours = settings.slaHours;
  if (!hours) return DEFAULT_WORKING_HOURS;
  return hours === "always" ? { kind: "always" } : { kind: "weekly", ...hours };
}

export interface StepDueTimes {
  slaDueAt: Date;
  managerDueAt: Date | null;
  vpDueAt: Date | null;
}

/** When each step falls due; null when the calendar has no working time in the next year. */
export function stepDueTimes(
  mqlAt: Date,
  plan: SlaPlan,
  calendar: WorkingCalendar,
): StepDueTimes | null {
  const due = (minutes: number | null) =>
    minutes === null ? null : addWorkingMinutes(mqlAt, minutes, calendar);
  const slaDueAt = due(plan.slaMinutes);
  if (!slaDueAt) return null;
  return { slaDueAt, managerDueAt: due(plan.managerMinutes), vpDueAt: due(plan.vpMinutes) };
}

/** A lead seen first long after its SLA ran out (a backfill, an old file) pages nobody. */
export function arrivesLate(arrivedAt: Date, slaDueAt: Date): boolean {
  return arrivedAt.getTime() - slaDueAt.getTime() > LATE_ARRIVAL_MS;
}

/** What the next step needs to know of a watched lead. */
export interface WatchProgress extends StepDueTimes {
  status: string;
  reachedStep: number;
  snoozedUntil: Date | null;
}

/** The next step of an untouched lead and when it is due; null when nothing is left to send. */
export function nextStepOf(watch: WatchProgress): { step: Step; dueAt: Date } | null {
  if (watch.status !== "open") return null;
  const dues: Record<string, Date | null> = {
    owner: watch.slaDueAt,
    manager: watch.managerDueAt,
    vp: watch.vpDueAt,
  };
  let next: { step: Step; dueAt: Date } | null = null;
  for (let index = watch.reachedStep; index < STEP_ORDER.length; index += 1) {
    const step = STEP_ORDER[index]!;
    const dueAt = dues[step];
    if (dueAt) {
      next = { step, dueAt };
      break;
    }
  }
  if (watch.snoozedUntil && (!next || watch.snoozedUntil < next.dueAt))
    return { step: "reminder", dueAt: watch.snoozedUntil };
  return next;
}

/** The steps handled once `step` is: the reminder leaves the order where it was. */
export function reachedAfter(reachedStep: number, step: Step): number {
  return step === "reminder" ? reachedStep : Math.max(reachedStep, STEP_ORDER.indexOf(step) + 1);
}

/** A step due while Cadence was down is sent on start if it is within the catch-up window. */
export function stepIsStale(dueAt: Date, now: Date, catchUpWindowMs: number): boolean {
  return now.getTime() - dueAt.getTime() > catchUpWindowMs;
}

/** Where a lead stands against its SLA at `now`. */
export type SlaOutcome = "met" | "breached" | "found-late" | "pending";

export function outcomeOf(
  lead: { slaDueAt: Date; touchedAt: Date | null; status: string },
  now: Date,
): SlaOutcome {
  if (lead.status === "late") return "found-late";
  if (lead.touchedAt) return lead.touchedAt <= lead.slaDueAt ? "met" : "breached";
  return now > lead.slaDueAt ? "breached" : "pending";
}

export interface Compliance {
  met: number;
  /** Breaches, those found late included. */
  breached: number;
  foundLate: number;
  pending: number;
  /** met / (met + breached), or null before any lead was decided. */
  share: number | null;
}

export function compliance(outcomes: readonly SlaOutcome[]): Compliance {
  const count = (o: SlaOutcome) => outcomes.filter((x) => x === o).length;
  const met = count("met");
  const foundLate = count("found-late");
  const breached = count("breached") + foundLate;
  return {
    met,
    breached,
    foundLate,
    pending: count("pending"),
    share: met + breached ? met / (met + breached) : null,
  };
}

/** "4 min", "1 h 05 min", "2 d 3 h": how long a lead has waited. */
export function waitedText(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, "0")} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Slack refuses a whole message whose button URL is longer than this. */
export const MAX_BUTTON_URL_CHARS = 3_000;
/** The longest CRM link pattern an admin may set, leaving room for the lead's id. */
export const MAX_CRM_LINK_PATTERN_CHARS = 1_000;

/**
 * The CRM record's link from the workspace's pattern; null without one, or when the lead's id
 * makes it longer than a button's URL may be (the lead is listed without the button).
 */
export function crmRecordLink(pattern: string | undefined, crmId: string): string | null {
  if (!pattern) return null;
  const link = pattern.replaceAll("{id}", encodeURIComponent(crmId));
  return link.length <= MAX_BUTTON_URL_CHARS ? link : null;
}

/** Source names an object's prototype answers to: never a key of the per-source delays. */
export const RESERVED_SOURCE_KEYS: ReadonlySet<string> = new Set([
  "__proto__",
  "constructor",
  "prototype",
]);

/**
 * Why a plan's steps are out of order (the manager told before the owner's SLA is up, the VP
 * before the manager), or null when each step comes after the one before it.
 */
export function stepsOrderProblem(plan: SlaPlan): string | null {
  if (plan.managerMinutes !== null && plan.managerMinutes <= plan.slaMinutes)
    return `The manager step (${plan.managerMinutes} min) must come after the owner's SLA (${plan.slaMinutes} min).`;
  const before = plan.managerMinutes ?? plan.slaMinutes;
  if (plan.vpMinutes !== null && plan.vpMinutes <= before)
    return plan.managerMinutes === null
      ? `The VP step (${plan.vpMinutes} min) must come after the owner's SLA (${plan.slaMinutes} min).`
      : `The VP step (${plan.vpMinutes} min) must come after the manager step (${plan.managerMinutes} min).`;
  return null;
}

export interface StepPeople {
  /** The owner in Slack (active), when the CRM's owner value matches someone. */
  ownerSlackUserId: string | null;
  /** The manager an admin set for the lead's team, else the owner's manager in Slack. */
  teamManagerSlackUserId: string | null;
  ownerManagerSlackUserId: string | null;
  vpSlackUserId: string | null;
  adminChannelId: string | null;
}

/**
 * Who hears of a step: the owner (or the admin channel for a lead whose owner Cadence cannot
 * find), the manager (the admin channel without one), the VP (the admin channel without one).
 * Null when nobody can be told: the step passes, logged.
 */
export function recipientOf(step: Step, people: StepPeople): string | null {
  switch (step) {
    case "owner":
    case "reminder":
      return people.ownerSlackUserId ?? people.adminChannelId;
    case "manager":
      return (
        people.teamManagerSlackUserId ?? people.ownerManagerSlackUserId ?? people.adminChannelId
      );
    case "vp":
      return people.vpSlackUserId ?? people.adminChannelId;
  }
}
