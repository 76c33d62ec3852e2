// `/cadence`, the DRI buttons (Mark done, Snooze a day, Hand over), the hand-over modal, and
// departures. Parse, authorise, call a use case, render: the rules live in service.ts and rules.ts.
import type { App, BlockAction, RespondFn } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import { helpBlocks, usageBlocks } from "../help/views.js";
import { createFeed, revokeFeeds } from "../calendar/service.js";
import { workspaceDigest } from "../digest/service.js";
import { digestBlocks } from "../digest/views.js";
import { openLeadImport } from "../funnel/listeners.js";
import { buildHome } from "../home/service.js";
import { context, fallbackText } from "../slack/blocks.js";
import { replyWithinBudget, type EphemeralReply } from "../slack/ack.js";
import type { AppDeps } from "../slack/deps.js";
import { changeSetting } from "../workspaces/admin.js";
import { isWorkspaceAdmin } from "../workspaces/rules.js";
import { lookUpPerson } from "../workspaces/service.js";
import { parseCadenceCommand, type CadenceIntent } from "./commands.js";
import { whyNotOwner, type Actor } from "./rules.js";
import {
  assignBackup,
  assignDri,
  handover,
  handOverDepartedPerson,
  markDone,
  pauseCadence,
  resumeCadence,
  setAdminChannel,
  setCadenceChannel,
  setEscalationGrace,
  snoozeCadence,
  type CadenceChange,
  type CadenceDeps,
} from "./service.js";
import { announceDeparture } from "./notices.js";
import { findCadenceById, listCadences, recurrenceOf } from "./store.js";
import {
  ACTIONS,
  cadenceListBlocks,
  chooseCadenceBlocks,
  HAND_OVER_CALLBACK,
  handOverModal,
} from "./views.js";

const PickSchema = z.object({
  op: z.enum(["assign", "backup", "pause", "resume", "done"]),
  title: z.string().min(1),
  person: z.string().optional(),
});

const DepartedUserSchema = z.object({
  id: z.string(),
  team_id: z.string(),
  deleted: z.literal(true),
});

const HandOverSubmissionSchema = z.object({
  meta: z.object({
    cadenceId: z.string(),
    origin: z.object({ channel: z.string(), ts: z.string() }).nullable(),
  }),
  to: z.string().regex(/^[UW][A-Z0-9]+$/),
});

const buttonValue = (action: unknown): string | null => {
  const value = (action as { value?: unknown }).value;
  return typeof value === "string" && value ? value : null;
};

const blocksReply = (blocks: ReturnType<typeof helpBlocks>): EphemeralReply => ({
  text: fallbackText(blocks),
  blocks,
});

export function register(app: App, deps: AppDeps): void {
  const cadenceDeps: CadenceDeps = {
    db: deps.db,
    clock: deps.clock,
    adminUserIds: deps.config.adminUserIds,
    onScheduleChanged: () => deps.onScheduleChanged(),
  };

  const actorOf = async (client: WebClient, teamId: string, userId: string): Promise<Actor> => {
    const person = await lookUpPerson(deps.db, deps.clock, client, teamId, userId);
    return { slackUserId: userId, isWorkspaceAdmin: isWorkspaceAdmin(person) };
  };

  /** A DRI or backup must be an active person: not a bot, not deactivated, known to Slack. */
  const checkPerson = async (
    client: WebClient,
    teamId: string,
    userId: string,
  ): Promise<string | null> => {
    const person = await lookUpPerson(deps.db, deps.clock, client, teamId, userId);
    return whyNotOwner(userId, person);
  };

  const render = (change: CadenceChange, op: string, person?: string): EphemeralReply =>
    change.outcome === "ambiguous"
      ? blocksReply(
          chooseCadenceBlocks(
            change.message,
            change.candidates.map((c) => c.title),
            op,
            person,
          ),
        )
      : { text: change.message };

  const perform = async (
    client: WebClient,
    teamId: string,
    userId: string,
    intent: CadenceIntent,
  ): Promise<EphemeralReply> => {
    switch (intent.op) {
      case "help":
        return blocksReply(helpBlocks());
      case "usage":
        return blocksReply(usageBlocks(intent.problem));
      case "list": {
        const cadences = await listCadences(deps.db, teamId);
        return blocksReply(
          cadenceListBlocks(cadences.map((c) => ({ ...c, recurrence: recurrenceOf(c) }))),
        );
      }
      case "assign":
      case "backup": {
        const problem = await checkPerson(client, teamId, intent.person);
        if (problem) return { text: `${problem} Nothing was changed.` };
        const actor = await actorOf(client, teamId, userId);
        const assign = intent.op === "assign" ? assignDri : assignBackup;
        return render(
          await assign(cadenceDeps, teamId, actor, intent.cadence, intent.person),
          intent.op,
          intent.person,
        );
      }
      case "handover": {
        const problem = await checkPerson(client, teamId, intent.to);
        if (problem) return { text: `${problem} Nothing was changed.` };
        const actor = await actorOf(client, teamId, userId);
        return {
          text: (await handover(cadenceDeps, teamId, actor, intent.from, intent.to)).message,
        };
      }
      case "channel": {
        const actor = await actorOf(client, teamId, userId);
        return render(
          await setCadenceChannel(cadenceDeps, teamId, actor, intent.cadence, intent.channelId),
          intent.op,
        );
      }
      case "admin-channel": {
        const actor = await actorOf(client, teamId, userId);
        return {
          text: (await setAdminChannel(cadenceDeps, teamId, actor, intent.channelId)).message,
        };
      }
      case "grace": {
        const actor = await actorOf(client, teamId, userId);
        return render(
          await setEscalationGrace(cadenceDeps, teamId, actor, intent.cadence, intent.hours),
          intent.op,
        );
      }
      case "calendar": {
        const actor = await actorOf(client, teamId, userId);
        const calendar = {
          db: deps.db,
          clock: deps.clock,
          adminUserIds: deps.config.adminUserIds,
          publicUrl: deps.config.http.publicUrl,
        };
        if (intent.revoke)
          return { text: await revokeFeeds(calendar, teamId, actor, intent.scope) };
        const feed = await createFeed(calendar, teamId, actor, intent.scope);
        if ("refused" in feed) return { text: feed.refused };
        return {
          text: `Subscribe to this URL in Google Calendar, Outlook or Apple Calendar (“add calendar from URL”): ${feed.url}\nKeep it private: anyone with it sees ${intent.scope === "mine" ? "your" : "every"} cadence. \`/cadence calendar${intent.scope === "workspace" ? " workspace" : ""} revoke\` turns it off; asking again replaces it.`,
        };
      }
      case "pause":
      case "resume":
      case "done": {
        const actor = await actorOf(client, teamId, userId);
        const run = { pause: pauseCadence, resume: resumeCadence, done: markDone }[intent.op];
        return render(await run(cadenceDeps, teamId, actor, intent.cadence), intent.op);
      }
      case "digest": {
        const built = await workspaceDigest(
          { db: deps.db, provider: deps.database.provider },
          teamId,
          { kind: "containing", day: deps.clock.now() },
        );
        return blocksReply(
          digestBlocks(built.digest, {
            heading: "Funnel digest so far",
            rejectionThreshold: built.rejectionThreshold,
            detailNote: "Only you can see this. The full digest posts on Monday.",
          }),
        );
      }
      case "setting": {
        const actor = await actorOf(client, teamId, userId);
        return {
          text: await changeSetting(
            { db: deps.db, adminUserIds: deps.config.adminUserIds },
            teamId,
            actor,
            intent.change,
          ),
        };
      }
      case "import":
        // Needs the command's trigger_id: handled in the command listener below.
        return { text: "Use `/cadence import` to choose a CSV file to import." };
    }
  };

  app.command("/cadence", async ({ command, ack, respond, client }) => {
    const intent = parseCadenceCommand(command.text);
    if (intent.op === "import") {
      // A modal must open within 3 s of the command, so it is acknowledged first.
      await ack();
      const refusal = await openLeadImport(client, deps, {
        teamId: command.team_id,
        userId: command.user_id,
        triggerId: command.trigger_id,
      });
      if (refusal) await respond({ response_type: "ephemeral", ...refusal });
      return;
    }
    await replyWithinBudget(ack, respond, () =>
      perform(client, command.team_id, command.user_id, intent).catch((error: unknown) => {
        const reference = Math.random().toString(36).slice(2, 8);
        deps.logger.error({ err: error, reference, text: command.text }, "/cadence failed");
        return {
          text: `Sorry, something went wrong on our side (reference ${reference}). Nothing was changed.`,
        };
      }),
    );
  });

  app.action(/^cadence_pick_\d+$/, async ({ ack, body, action, respond, client }) => {
    await ack();
    const picked = PickSchema.safeParse(JSON.parse(buttonValue(action) ?? "{}"));
    const teamId = body.team?.id;
    if (!picked.success || !teamId) return;
    const { op, title, person } = picked.data;
    const intent: CadenceIntent =
      op === "assign" || op === "backup"
        ? { op, cadence: title, person: person ?? "" }
        : { op, cadence: title };
    const reply = await perform(client, teamId, body.user.id, intent);
    await respond({ response_type: "ephemeral", replace_original: true, ...reply });
  });

  /**
   * Shows what a button did: in a message, the message is replaced by the confirmation (via
   * response_url); on the Home tab, which has no response_url, the tab is republished.
   */
  const answerButton = async (
    args: { body: BlockAction; respond: RespondFn; client: WebClient },
    teamId: string,
    change: CadenceChange,
    icon: string,
  ) => {
    const text = change.outcome === "changed" ? `${icon} ${change.message}` : change.message;
    if (args.body.view?.type === "home") {
      const person = await lookUpPerson(
        deps.db,
        deps.clock,
        args.client,
        teamId,
        args.body.user.id,
      );
      const view = await buildHome(deps.db, teamId, args.body.user.id, {
        isWorkspaceAdmin: isWorkspaceAdmin(person),
        adminUserIds: deps.config.adminUserIds,
      });
      view.blocks.splice(1, 0, context(text));
      await args.client.views.publish({
        user_id: args.body.user.id,
        view: { ...view, blocks: view.blocks.slice(0, 100) },
      });
      return;
    }
    await args.respond({
      response_type: "ephemeral",
      replace_original: change.outcome === "changed",
      text,
    });
  };

  for (const [actionId, icon, run] of [
    [
      ACTIONS.markDone,
      ":white_check_mark:",
      (teamId: string, actor: Actor, id: string) => markDone(cadenceDeps, teamId, actor, { id }),
    ],
    [
      ACTIONS.snooze,
      ":zzz:",
      (teamId: string, actor: Actor, id: string) => snoozeCadence(cadenceDeps, teamId, actor, id),
    ],
  ] as const) {
    app.action<BlockAction>(actionId, async ({ ack, body, action, respond, client }) => {
      await ack();
      const cadenceId = buttonValue(action);
      const teamId = body.team?.id;
      if (!cadenceId || !teamId) return;
      const actor = await actorOf(client, teamId, body.user.id);
      await answerButton(
        { body, respond, client },
        teamId,
        await run(teamId, actor, cadenceId),
        icon,
      );
    });
  }

  app.action(ACTIONS.handOver, async ({ ack, body, action, client }) => {
    await ack();
    const cadenceId = buttonValue(action);
    if (!cadenceId || !("trigger_id" in body)) return;
    const cadence = body.team?.id ? await findCadenceById(deps.db, body.team.id, cadenceId) : null;
    if (!cadence) return;
    const origin =
      "channel" in body && body.channel && "message" in body && body.message
        ? { channel: body.channel.id, ts: body.message.ts }
        : null;
    await client.views.open({
      trigger_id: body.trigger_id,
      view: handOverModal(cadence.id, cadence.title, origin),
    });
  });

  app.view(HAND_OVER_CALLBACK, async ({ ack, body, view, client }) => {
    const submitted = HandOverSubmissionSchema.safeParse({
      meta: JSON.parse(view.private_metadata || "{}") as unknown,
      to: view.state.values.new_dri?.user?.selected_user,
    });
    if (!submitted.success) {
      await ack({
        response_action: "errors",
        errors: { new_dri: "Choose the person who takes this cadence over." },
      });
      return;
    }
    const teamId = body.team?.id ?? body.user.team_id ?? "";
    const { meta, to } = submitted.data;
    const problem = await checkPerson(client, teamId, to);
    const actor = await actorOf(client, teamId, body.user.id);
    const change = problem
      ? null
      : await assignDri(cadenceDeps, teamId, actor, { id: meta.cadenceId }, to, "handed over");
    if (!change || change.outcome !== "changed") {
      const message = (problem ?? change?.message ?? "")
        .replace(/<@\w+>/g, "this person")
        .replace(/\*/g, "");
      await ack({ response_action: "errors", errors: { new_dri: message } });
      return;
    }
    await ack();
    const confirmation = `:handshake: ${change.message} Handed over by <@${body.user.id}>.`;
    if (meta.origin)
      await client.chat.update({
        channel: meta.origin.channel,
        ts: meta.origin.ts,
        text: confirmation,
        blocks: [],
      });
    else await client.chat.postMessage({ channel: body.user.id, text: confirmation });
    await client.chat.postMessage({
      channel: to,
      text: `<@${body.user.id}> handed *${change.cadence.title}* over to you: you are now its DRI.`,
    });
  });

  // When Slack reports a person deactivated, their cadences move on at once.
  app.event("user_change", async ({ event, client }) => {
    const user = DepartedUserSchema.safeParse(event.user);
    if (!user.success) return;
    const report = await handOverDepartedPerson(cadenceDeps, user.data.team_id, user.data.id);
    await announceDeparture(
      { db: deps.db, slack: client, adminUserIds: deps.config.adminUserIds },
      user.data.team_id,
      user.data.id,
      report,
    );
  });
}
