// Slack's events about the installation itself: app_uninstalled and tokens_revoked stop the
// workspace (./service.ts). Bolt hands these two events over without authorizing them.
import type { App } from "@slack/bolt";
import { z } from "zod";
import type { AppDeps } from "../slack/deps.js";
import { uninstalled } from "./service.js";

const EnvelopeSchema = z.object({
  team_id: z.string().optional(),
  enterprise_id: z.string().nullish(),
  authorizations: z.array(z.object({ is_enterprise_install: z.boolean().optional() })).optional(),
  is_enterprise_install: z.boolean().optional(),
});

const RevokedSchema = z.object({
  tokens: z.object({ bot: z.array(z.string()).optional() }).optional(),
});

function uninstallOf(body: unknown) {
  const parsed = EnvelopeSchema.safeParse(body);
  if (!parsed.success) return null;
  const envelope = parsed.data;
  return {
    slackTeamId: envelope.team_id,
    enterpriseId: envelope.enterprise_id ?? undefined,
    isEnterpriseInstall: Boolean(
      envelope.is_enterprise_install ?? envelope.authorizations?.[0]?.is_enterprise_install,
    ),
  };
}

export function register(app: App, deps: AppDeps): void {
  const stop = async (body: unknown) => {
    const what = uninstallOf(body);
    if (!what) {
      deps.logger.warn("ignored an uninstall event without its workspace");
      return;
    }
    await uninstalled(deps, what);
  };
  app.event("app_uninstalled", async ({ body }) => stop(body));
  app.event("tokens_revoked", async ({ event, body }) => {
    // A revoked user token changes nothing: Cadence acts as its bot only.
    if (RevokedSchema.parse(event).tokens?.bot?.length) await stop(body);
  });
}
