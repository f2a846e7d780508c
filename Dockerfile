FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# `npm install` is the fallback for registry mirrors that lack other platforms' optional binaries (see scripts/bootstrap.js).
RUN npm ci --no-audit --no-fund || npm install --no-audit --no-fund
COPY prisma ./prisma
COPY prisma.config.ts ./
# generate never runs the schema engine; pointing at any file stops it downloading one.
RUN PRISMA_SCHEMA_ENGINE_BINARY=/usr/local/bin/node PRISMA_HIDE_UPDATE_MESSAGE=1 node node_modules/prisma/build/index.js generate \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/generated ./generated
COPY . .
USER node
CMD ["node", "node_modules/tsx/dist/cli.mjs", "src/api.ts"]
