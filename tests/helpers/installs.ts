// Installs Cadence into fake workspaces the way a person does in OAuth mode: open /slack/install
// (which sets the state cookie and redirects to Slack), approve on the fake consent page, and
// follow Slack's redirect back to /slack/oauth_redirect with the cookie.
import type { FakeInstall } from "../fakes/fake-slack-installs.js";
import type { CadenceUnderTest } from "./cadence.js";

export interface InstallResult {
  status: number;
  page: string;
}

export async function installThroughOAuth(
  cadence: Pick<CadenceUnderTest, "baseUrl" | "slack">,
  install: FakeInstall,
): Promise<InstallResult> {
  const start = await fetch(`${cadence.baseUrl}/slack/install`, { redirect: "manual" });
  const consentUrl = start.headers.get("location");
  if (start.status !== 302 || !consentUrl)
    throw new Error(`/slack/install answered ${start.status}, not a redirect`);
  const cookie = start.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  cadence.slack.installs.approveNextInstall(install);
  const consent = await fetch(consentUrl, { redirect: "manual" });
  const back = new URL(consent.headers.get("location") ?? "");
  const done = await fetch(`${cadence.baseUrl}${back.pathname}${back.search}`, {
    headers: { cookie },
    redirect: "manual",
  });
  return { status: done.status, page: await done.text() };
}
