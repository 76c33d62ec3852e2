// When a cadence's delivery is given up (src/scheduler/deliver-once.ts), its DRI and the admin
// channel are told once, with what to do. Each notice is itself delivered once by key; the one
// that failed is never told of its own failure.
import { deliverOnce, type DeliveryDeps, type DeliveryFailure } from "../scheduler/deliver-once.js";
import { fallbackText, section } from "../slack/blocks.js";
import { inlineCode } from "../slack/mrkdwn.js";
import { settingsOf } from "../workspaces/settings.js";
import { titleText } from "./views.js";

export interface UndeliverableCadence {
  slackTeamId: string;
  title: string;
  driSlackUserId: string | null;
  workspace: { settings: unknown };
}

const mention = (target: string) => (/^[UW]/.test(target) ? `<@${target}>` : `<#${target}>`);

/**
 * What a person can do about a failure; the codes are in src/scheduler/slack-errors.ts. Titles
 * are typed by admins, so they only appear escaped (src/slack/mrkdwn.ts).
 */
export function adviceFor(failure: DeliveryFailure, title: string): string {
  const name = title.toLowerCase();
  const chooseChannel = inlineCode(`/cadence channel ${name} #channel`);
  switch (failure.cause) {
    case "channel":
      return `Invite @cadence to ${mention(failure.target)} (${inlineCode("/invite @cadence")} there), or choose another channel with ${chooseChannel}.`;
    case "person":
      return `${mention(failure.target)} cannot receive messages (deactivated, or not a person). Choose another with ${inlineCode(`/cadence assign ${name} @person`)} or ${inlineCode(`/cadence backup ${name} @person`)}.`;
    case "permission":
      return `Slack does not let Cadence post in ${mention(failure.target)}. Allow apps to post there, or choose another channel with ${chooseChannel}.`;
    case "message":
      return `Slack refused the message itself (${inlineCode(failure.code)}). This is a fault in Cadence: quote ${inlineCode(failure.key)} to whoever runs it.`;
    default:
      return `Slack kept failing (${inlineCode(failure.code)}) for ${failure.attempts} attempts; nothing more will be tried. Check Slack's status and Cadence's logs (quote ${inlineCode(failure.key)}).`;
  }
}

export function undeliverableNotice(
  failure: DeliveryFailure,
  cadence: UndeliverableCadence,
  what: string,
) {
  const blocks = [
    section(
      `:warning: Cadence could not deliver ${what} of ${titleText(cadence.title)} to ${mention(failure.target)}: ${inlineCode(failure.code)}.`,
    ),
    section(adviceFor(failure, cadence.title)),
  ];
  return { text: fallbackText(blocks), blocks };
}

/** Tells the cadence's DRI and the workspace's admin channel, once each (not the failed target). */
export async function tellUndeliverable(
  deps: DeliveryDeps,
  cadence: UndeliverableCadence,
  failure: DeliveryFailure,
  what: string,
): Promise<void> {
  const adminChannelId = settingsOf(cadence.workspace).adminChannelId;
  const targets = [...new Set([cadence.driSlackUserId, adminChannelId])].filter(
    (t): t is string => Boolean(t) && t !== failure.target,
  );
  const message = undeliverableNotice(failure, cadence, what);
  await Promise.all(
    targets.map((target) =>
      deliverNotice(
        deps,
        `undeliverable:${failure.key}:${target}`,
        cadence.slackTeamId,
        target,
        message,
      ),
    ),
  );
}

function deliverNotice(
  deps: DeliveryDeps,
  key: string,
  slackTeamId: string,
  target: string,
  message: ReturnType<typeof undeliverableNotice>,
) {
  return deliverOnce(deps, {
    key,
    slackTeamId,
    target,
    message: () => Promise.resolve(message),
    onDelivered: () => Promise.resolve(),
  });
}
