// How Slack escapes mentions in slash-command text (the manifest sets should_escape).

/** <#C123|name> or <#C123>. */
export const CHANNEL_MENTION = /<#([CG][A-Z0-9]+)(?:\|[^>]*)?>/;

/** <!subteam^S123|@name> or <!subteam^S123>. */
export const USER_GROUP_MENTION = /<!subteam\^(S[A-Z0-9]+)(?:\|[^>]*)?>/;

/** A user group or @here/@channel/@everyone: never an owner. */
export const TEAM_MENTION = /<!subteam\^|<!(here|channel|everyone)/;
