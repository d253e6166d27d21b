# One image for every role; docker-compose.yml (or Kubernetes) picks the command.
FROM node:20-bookworm-slim AS base
RUN npm install -g pnpm@10.34.8
WORKDIR /app

FROM base AS build
COPY . .
RUN pnpm install --frozen-lockfile
RUN pnpm build
# Drop development dependencies from node_modules before the runtime stage copies it.
RUN CI=true pnpm install --frozen-lockfile --prod --offline

FROM node:20-bookworm-slim AS runtime
# Production: a role given a secret shipped in demo.env refuses to start.
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only to the process: it runs with a read-only root file system anyway.
COPY --from=build /app /app
# The image's `node` user, by number: Kubernetes' runAsNonRoot can only verify a numeric user.
USER 1000:1000
# ingester: node apps/ingester/dist/main.js · worker: node apps/worker/dist/main.js
# admin: node apps/admin/dist/main.js
# migrations: node packages/db/dist/migrate-cli.js
CMD ["node", "apps/ingester/dist/main.js"]
