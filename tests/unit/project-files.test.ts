// Checks that keep files which must agree in agreement: the two Prisma schemas, the migrations
// and the schema they should produce, the Slack manifest and the listeners, the Dockerfile and
// the files it copies.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { App } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { EnvSchema } from "../../src/config.js";
import { nodeVersionProblem, REQUIRED_NODE_MAJOR } from "../../src/runtime/node-version.js";
import { SLASH_COMMANDS } from "../../src/help/listeners.js";
import { CAPABILITIES } from "../../src/slack/app.js";
import type { AppDeps } from "../../src/slack/deps.js";
import { PROJECT_ROOT } from "../helpers/cadence-process.js";

const read = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), "utf8");

/** A schema's models and enums: everything but comments, the datasource and the generator. */
function datamodel(schema: string): string {
  return schema
    .replace(/^\s*\/\/(?!\/).*$/gm, "")
    .replace(/(datasource|generator)\s+\w+\s*\{[^}]*\}/g, "")
    .replace(/[ \t]+/g, " ")
    .replace(/\n( ?\n)+/g, "\n")
    .trim();
}

const migrationNames = (provider: string) =>
  readdirSync(path.join(PROJECT_ROOT, "prisma", provider, "migrations"))
    .filter((name) => /^\d{14}_/.test(name))
    .sort();

describe("Prisma schemas", () => {
  it("define the same models for SQLite and PostgreSQL", () => {
    const sqlite = datamodel(read("prisma/sqlite/schema.prisma"));
    expect(sqlite).toContain("model Workspace");
    expect(datamodel(read("prisma/postgres/schema.prisma"))).toBe(sqlite);
  });

  it('keep `url = env("DATABASE_URL")`, without which the 6.19 CLI downloads a native engine', () => {
    for (const provider of ["sqlite", "postgres"]) {
      expect(read(`prisma/${provider}/schema.prisma`)).toMatch(/url\s*=\s*env\("DATABASE_URL"\)/);
    }
  });

  it("have the same migrations for both providers", () => {
    expect(migrationNames("postgres")).toEqual(migrationNames("sqlite"));
    expect(migrationNames("sqlite").length).toBeGreaterThan(0);
  });

  it("have no change since the latest migration (run `npm run db:migration -- <name>`)", () => {
    for (const provider of ["sqlite", "postgres"]) {
      const latest = migrationNames(provider).at(-1)!;
      const snapshot = read(`prisma/${provider}/migrations/${latest}/schema.prisma`);
      expect(
        datamodel(read(`prisma/${provider}/schema.prisma`)),
        `${provider} schema changed after ${latest}`,
      ).toBe(datamodel(snapshot));
    }
  });
});

/** Records what each capability registers, through a stand-in for Bolt's App. */
function registrations() {
  const events = new Set<string>();
  const commands = new Set<string>();
  const app = {
    event: (name: string) => events.add(name),
    command: (name: string) => commands.add(name),
    action: () => undefined,
    view: () => undefined,
    use: () => undefined,
    message: () => undefined,
    shortcut: () => undefined,
    options: () => undefined,
  } as unknown as App;
  const deps = { config: { adminUserIds: [] } } as unknown as AppDeps;
  for (const capability of CAPABILITIES) capability.register(app, deps);
  return { events, commands };
}

describe("Slack app manifest", () => {
  const manifest = parse(read("manifests/slack-app.yaml")) as {
    features: {
      slash_commands: Array<{ command: string; should_escape: boolean }>;
      app_home: { home_tab_enabled: boolean };
    };
    oauth_config: { scopes: { bot: string[] } };
    settings: {
      event_subscriptions: { bot_events: string[] };
      interactivity: { is_enabled: boolean };
      socket_mode_enabled: boolean;
    };
  };

  it("declares exactly the slash commands the app answers, with mentions escaped", () => {
    const declared = manifest.features.slash_commands.map((c) => c.command).sort();
    expect(declared).toEqual([...SLASH_COMMANDS].sort());
    expect([...registrations().commands].sort()).toEqual([...SLASH_COMMANDS].sort());
    expect(manifest.features.slash_commands.every((c) => c.should_escape)).toBe(true);
  });

  it("subscribes to every event a listener handles", () => {
    // A `message` listener is served by the message.* subscriptions (Cadence reads DMs only).
    const subscribed = new Set<string>(
      manifest.settings.event_subscriptions.bot_events.map((e: string) =>
        e.startsWith("message.") ? "message" : e,
      ),
    );
    for (const event of registrations().events)
      expect(subscribed, `manifest lacks ${event}`).toContain(event);
  });

  it("grants the scopes those events and our Web API calls need", () => {
    const scopes = manifest.oauth_config.scopes.bot;
    for (const scope of [
      "commands",
      "chat:write",
      "im:write",
      "users:read",
      "users:read.email",
      "files:write",
      "files:read",
      "im:history",
      "channels:history",
    ]) {
      expect(scopes).toContain(scope);
    }
  });

  it("enables Socket Mode, interactivity and the Home tab", () => {
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
  });
});

describe("Dockerfile", () => {
  const dockerfile = read("Dockerfile");

  it("copies only files that exist in the repository", () => {
    const sources = [...dockerfile.matchAll(/^COPY\s+(?!--from)(?:--\S+\s+)*(.+)$/gm)].flatMap(
      (match) => {
        const parts = match[1]!.trim().split(/\s+/);
        return parts.slice(0, -1);
      },
    );
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources)
      expect(existsSync(path.join(PROJECT_ROOT, source)), `${source} is missing`).toBe(true);
  });

  it("runs the built CLI as a non-root user, with a health check and a data volume", () => {
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*\/healthz/m);
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(dockerfile).toContain('ENTRYPOINT ["node", "dist/cli.js"]');
    expect(existsSync(path.join(PROJECT_ROOT, "src", "cli.ts"))).toBe(true);
  });
});

describe("Node.js runtime", () => {
  const required = Number(read(".node-version").trim());
  const packageJson = JSON.parse(read("package.json")) as {
    engines: { node: string };
    devDependencies: Record<string, string>;
  };

  it("is Node.js 24 LTS in .node-version and in the CLI's own check", () => {
    expect(required).toBe(24);
    expect(REQUIRED_NODE_MAJOR).toBe(required);
  });

  it("is the same major in package.json's engines and @types/node", () => {
    expect(packageJson.engines.node).toBe(`>=${required}`);
    expect(packageJson.devDependencies["@types/node"]).toMatch(new RegExp(`^\\^${required}\\.`));
  });

  it("is the image every Dockerfile stage is built FROM", () => {
    const stages = [...read("Dockerfile").matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const image of stages) expect(image).toBe(`node:${required}-bookworm-slim`);
  });

  it("is what CI runs on: .ci/run re-executes itself through scripts/with-node.sh", () => {
    const ci = read(".ci/run");
    expect(ci).toMatch(/exec scripts\/with-node\.sh bash "\$0"/);
    expect(ci).toContain("node --version");
    expect(read("scripts/with-node.sh")).toContain(".node-version");
  });

  it("is the version this test process runs on", () => {
    expect(Number(process.versions.node.split(".")[0])).toBeGreaterThanOrEqual(required);
  });

  it("refuses an older Node.js with one line that says how to get 24", () => {
    expect(nodeVersionProblem("24.0.0")).toBeNull();
    expect(nodeVersionProblem("v26.1.0")).toBeNull();
    const problem = nodeVersionProblem("20.20.2");
    expect(problem).toContain("requires Node.js 24");
    expect(problem).toContain("scripts/with-node.sh");
    expect(problem).not.toContain("\n");
    expect(nodeVersionProblem("garbage")).not.toBeNull();
  });
});

describe("references in comments and docs", () => {
  /** Every file a reader of the repository can open: sources, tests, scripts, docs. */
  function ownFiles(dir: string): string[] {
    return readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) return relative === "src/db/generated" ? [] : ownFiles(relative);
      return /\.(ts|mjs|js|sh|md|yaml)$/.test(entry.name) ? [relative] : [];
    });
  }

  it("point only at files inside the repository (the domain rules are in docs/domain.md)", () => {
    const files = [
      ...["src", "tests", "bench", "scripts", "docs", "manifests"].flatMap(ownFiles),
      "README.md",
      ".ci/run",
      "Dockerfile",
    ];
    expect(files.length).toBeGreaterThan(50);
    for (const file of files)
      expect(read(file), `${file} points outside the repository`).not.toMatch(
        /\.\.\/shared\/|\bshared\/(DOMAIN|STYLE|reference)|\b[Ii]ssue #\d|from the [\w-]+ issue\b/,
      );
    expect(read("docs/domain.md")).toContain("5 minutes");
  });
});

describe("configuration documentation", () => {
  const variables = Object.keys(EnvSchema.shape);

  it("lists every environment variable in .env.example and in the README's table", () => {
    const example = read(".env.example");
    const readme = read("README.md");
    for (const name of variables) {
      expect(example, `.env.example lacks ${name}`).toMatch(new RegExp(`^${name}=`, "m"));
      expect(readme, `README lacks ${name}`).toContain(`\`${name}\``);
    }
  });
});
