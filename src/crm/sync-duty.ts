// The scheduler's incremental CRM sync: every CRM_SYNC_MINUTES, each connected workspace is
// synced by one replica. The replica that claims the interval's key (src/scheduler/claims.ts)
// syncs, renewing the claim's lease after each stored batch; the others skip the workspace while
// that claim is live, so one replica at a time syncs it, however long a backfill takes. The sync
// runs beside the sweep, not inside it, so a long first backfill never delays a cadence. A
// replica killed mid-sync loses nothing and doubles nothing: the cursor moves only after a batch
// is stored, a record stored twice is the same upsert, and once the dead replica's lease runs
// out the next interval's claim resumes from the cursor. Scheduled syncs failed in a row are
// counted on the connection, and the admins are told (./sync-notices.ts).
import type { Clock } from "../clock.js";
import type { CrmConfig } from "../config.js";
import { claimWork, completeWork, retryWorkLater } from "../scheduler/claims.js";
import type { Duty } from "../scheduler/scheduler.js";
import type { Database } from "../db/client.js";
import type { Logger } from "../logger.js";
import { findWorkspace } from "../workspaces/store.js";
import { syncConnection, type CrmDeps } from "./service.js";
import { allConnections, findConnection, recordScheduledSync } from "./store.js";
import {
  tellAdminsOfDailyAllowanceStop,
  tellAdminsOfSyncHealth,
  type SyncNoticeDeps,
} from "./sync-notices.js";

export interface CrmSyncDutyDeps {
  database: Database;
  config: CrmConfig;
  clock: Clock;
  logger: Logger;
  /** This replica's name, as its claims are signed. */
  owner: string;
  retry?: CrmDeps["retry"];
  /** How the admins are told of failing syncs; without it (a test of the sync alone), nobody is. */
  notices?: Omit<SyncNoticeDeps, "config">;
}

export interface CrmSyncDuty {
  duty: Duty;
  /** Resolves when the syncs this replica started have finished (tests, shutdown). */
  idle(): Promise<void>;
}

export function crmSyncDuty(deps: CrmSyncDutyDeps): CrmSyncDuty {
  const running = new Map<string, Promise<void>>();
  const interval = deps.config.syncIntervalMs;
  const notices = deps.notices && { ...deps.notices, config: deps.config };

  /** Notices never fail a sync: a problem telling the admins is logged, and retried next sweep. */
  const safely = (slackTeamId: string, work: () => Promise<void>) =>
    work().catch((error: unknown) =>
      deps.logger.error(
        { err: error, slackTeamId },
        "telling the admins about the CRM sync failed",
      ),
    );
  const tellAdmins = (slackTeamId: string) =>
    safely(slackTeamId, async () => {
      const connection = notices && (await findConnection(deps.database.db, slackTeamId));
      if (notices && connection) await tellAdminsOfSyncHealth(notices, connection);
    });

  const syncWorkspace = async (slackTeamId: string, key: string) => {
    const db = deps.database.db;
    const workspace = await findWorkspace(db, slackTeamId);
    const result = await syncConnection(deps.database, deps, {
      slackTeamId,
      timezone: workspace?.timezone ?? "UTC",
      now: () => deps.clock.now(),
      // A long backfill keeps its claim: no other replica starts on this workspace meanwhile.
      onProgress: () => renewLease(key),
    });
    // A stop under the daily allowance floor is on purpose: told once a day, not counted.
    if (result.ok || result.reason !== "daily-allowance")
      await recordScheduledSync(db, slackTeamId, { at: deps.clock.now(), failed: !result.ok });
    else if (notices)
      await safely(slackTeamId, () =>
        tellAdminsOfDailyAllowanceStop(notices, slackTeamId, result.message),
      );
    await tellAdmins(slackTeamId);
    if (result.ok) {
      await completeWork(db, key, deps.owner, deps.clock.now());
      deps.logger.info(
        { slackTeamId, ...result.summary, problems: result.summary.problems.length },
        "CRM sync finished",
      );
    } else {
      // The next interval's claim tries again; this one is given back to be retried sooner.
      await retryWorkLater(
        db,
        key,
        deps.owner,
        new Date(deps.clock.now().getTime() + Math.min(interval, 60_000)),
        result.message,
      );
      deps.logger.warn({ slackTeamId, problem: result.message }, "CRM sync failed");
    }
  };

  const renewLease = async (key: string) => {
    await deps.database.db.claim.updateMany({
      where: { key, owner: deps.owner, status: "claimed" },
      data: { leaseUntil: new Date(deps.clock.now().getTime() + interval) },
    });
  };

  /** Another replica is syncing this workspace (its claim of an earlier interval is still live). */
  const syncingElsewhere = async (slackTeamId: string, now: Date) =>
    (await deps.database.db.claim.count({
      where: {
        key: { startsWith: `crm.sync:${slackTeamId}:` },
        status: "claimed",
        leaseUntil: { gt: now },
      },
    })) > 0;

  const duty: Duty = async () => {
    const now = deps.clock.now();
    const slot = new Date(Math.floor(now.getTime() / interval) * interval).toISOString();
    for (const connection of await allConnections(deps.database.db, { installedOnly: true })) {
      // Every sweep: a recovery after a sync from Slack, or a notice whose post is to be retried.
      if (notices)
        await safely(connection.slackTeamId, () => tellAdminsOfSyncHealth(notices, connection));
      if (running.has(connection.slackTeamId)) continue;
      if (await syncingElsewhere(connection.slackTeamId, now)) continue;
      const key = `crm.sync:${connection.slackTeamId}:${slot}`;
      // The lease covers the interval: a replica that dies mid-sync is replaced by the next one.
      const claim = await claimWork(deps.database.db, key, deps.owner, now, interval);
      if (!claim.owned) continue;
      const work = syncWorkspace(connection.slackTeamId, key)
        .catch(async (error: unknown) => {
          deps.logger.error({ err: error, slackTeamId: connection.slackTeamId }, "CRM sync failed");
          // A fault on our side fails the sync as much as the CRM's answer would.
          await recordScheduledSync(deps.database.db, connection.slackTeamId, {
            at: deps.clock.now(),
            failed: true,
          });
          await tellAdmins(connection.slackTeamId);
        })
        .catch((error: unknown) =>
          deps.logger.error({ err: error, slackTeamId: connection.slackTeamId }, "CRM sync failed"),
        )
        .finally(() => running.delete(connection.slackTeamId));
      running.set(connection.slackTeamId, work);
    }
  };

  return {
    duty,
    async idle() {
      await Promise.all(running.values());
    },
  };
}
