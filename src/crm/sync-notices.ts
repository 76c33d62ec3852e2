// The admins hear about the scheduled CRM sync unasked: once when it has failed several times in a
// row, once when it works again, and once a day when it stopped under the daily API allowance
// floor. Each notice is delivered once across replicas by key (src/scheduler/deliver-once.ts),
// retried like any other post; the connection row remembers which run of failures the admins were
// told of, so no notice depends on a claim outliving its purge.
import type { KnownBlock } from "@slack/types";
import { localDay } from "../cadences/rules.js";
import type { CrmConfig } from "../config.js";
import { workFinished } from "../scheduler/claims.js";
import { deliverOnce, type DeliveryDeps } from "../scheduler/deliver-once.js";
import { settingsOf } from "../workspaces/settings.js";
import { findWorkspace } from "../workspaces/store.js";
import {
  dailyAllowanceNotice,
  syncFailingNotice,
  syncHealthNoticeDue,
  syncRecoveredNotice,
} from "./health.js";
import { findConnection, recordFailureNotice, type CrmConnectionRow } from "./store.js";

export interface SyncNoticeDeps {
  delivery: DeliveryDeps;
  /** Told by DM when the workspace has no admin channel (as other admin notices are). */
  adminUserIds: readonly string[];
  config: Pick<CrmConfig, "failuresBeforeNotice">;
}

/** The workspace's admin channel, or else each admin by DM. */
async function adminAudience(deps: SyncNoticeDeps, slackTeamId: string): Promise<string[]> {
  const workspace = await findWorkspace(deps.delivery.db, slackTeamId);
  const adminChannelId = workspace ? settingsOf(workspace).adminChannelId : undefined;
  return adminChannelId ? [adminChannelId] : [...deps.adminUserIds];
}

async function deliverToAdmins(
  deps: SyncNoticeDeps,
  slackTeamId: string,
  keyPrefix: string,
  message: { text: string; blocks: KnownBlock[] },
): Promise<string[]> {
  const targets = await adminAudience(deps, slackTeamId);
  if (targets.length === 0)
    deps.delivery.logger.warn(
      { slackTeamId, notice: keyPrefix },
      "no admin channel and no ADMIN_USER_IDS: nobody to tell about the CRM sync",
    );
  const keys = targets.map((target) => `${keyPrefix}:${target}`);
  await Promise.all(
    targets.map((target, i) =>
      deliverOnce(deps.delivery, {
        key: keys[i]!,
        slackTeamId,
        target,
        message: () => Promise.resolve(message),
        onDelivered: () => Promise.resolve(),
      }),
    ),
  );
  return keys;
}

/**
 * Tells the admins of a run of failed syncs, or of its end, when one is due (health.ts); each
 * sweep calls it, so a post that failed is retried when its back-off is over.
 */
export async function tellAdminsOfSyncHealth(
  deps: SyncNoticeDeps,
  connection: CrmConnectionRow,
): Promise<void> {
  const due = syncHealthNoticeDue(connection, deps.config.failuresBeforeNotice);
  if (!due) return;
  const message =
    due.kind === "failing"
      ? syncFailingNotice(connection)
      : syncRecoveredNotice(connection, due.since);
  const keys = await deliverToAdmins(
    deps,
    connection.slackTeamId,
    `crm.${due.kind}:${connection.slackTeamId}:${due.since.toISOString()}`,
    message,
  );
  // Marked only once every admin target was delivered (or given up), so a failed post is retried.
  if (!(await workFinished(deps.delivery.db, keys))) return;
  await recordFailureNotice(
    deps.delivery.db,
    connection.slackTeamId,
    due.kind === "failing" ? { from: null, to: due.since } : { from: due.since, to: null },
  );
}

/** Once a day per workspace (its own timezone's day): the sync stopped under the allowance floor. */
export async function tellAdminsOfDailyAllowanceStop(
  deps: SyncNoticeDeps,
  slackTeamId: string,
  reason: string,
): Promise<void> {
  const [connection, workspace] = await Promise.all([
    findConnection(deps.delivery.db, slackTeamId),
    findWorkspace(deps.delivery.db, slackTeamId),
  ]);
  if (!connection) return;
  const day = localDay(deps.delivery.clock.now(), workspace?.timezone ?? "UTC");
  await deliverToAdmins(
    deps,
    slackTeamId,
    `crm.allowance:${slackTeamId}:${day}`,
    dailyAllowanceNotice(connection, reason),
  );
}
