# Build: the locked dependencies, then the Prisma client, the compiled JavaScript and the workflow bundle in dist/.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No dependency needs its install script (native binaries come as locked optional packages), and skipping them
# keeps a build from a registry mirror from fetching anything the lock does not name.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# Runtime: production dependencies and dist/ only. No TypeScript loader, and the worker loads
# dist/workflow-bundle.js instead of bundling the workflows at start.
FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
CMD ["node", "dist/src/api.js"]
