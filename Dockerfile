# syntax=docker/dockerfile:1
# Build: compile TypeScript and the Prisma clients, then drop dev dependencies.
FROM node:24-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 ships N-API prebuilds; the toolchain is there for platforms it has none for.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .node-version prisma.config.ts tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci
COPY src ./src
RUN npm run build && npm prune --omit=dev

# Run: a non-root user, the SQLite file on a volume, migrations applied by `cadence start`.
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    DATABASE_URL=file:/data/cadence.db \
    PORT=3000
WORKDIR /app
RUN mkdir -p /data && chown node:node /data
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/prisma ./prisma
COPY --from=build --chown=node:node /app/package.json ./package.json
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["start"]
