# The text-analysis BFF as a container image: build stage (tsc), production dependencies, slim runtime.
#
# Node 24 is the current LTS line offered here. Pin a full version (node:24.x.y-bookworm-slim) or a
# digest for reproducible releases; the major tag keeps security updates flowing on rebuild.
FROM node:24-bookworm-slim AS base
WORKDIR /app

# Full install (TypeScript and @types are devDependencies) and the compile to dist/.
# The manifests are copied before the sources so that a source change reuses the install layer.
FROM base AS build
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# A separate clean install of the runtime dependencies rather than `npm prune` in the build stage,
# so no devDependency (tap, typescript, autocannon) or leftover of one can reach the final image.
FROM base AS prod-deps
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund

FROM base AS runtime
# HOST: the service binds 127.0.0.1 by default, unreachable from outside a container. The embedded
# engine is unaffected: the service starts it on loopback with its own HOST and PORT.
# NODE_ENV only tells npm and libraries they run in production; the app itself has no NODE_ENV switch.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
# Owned by root and not writable by the user that runs the service. package.json is needed at runtime:
# its "type": "module" is what makes dist/*.js load as ES modules.
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# Plain Node fetch: the slim image has no curl or wget. It follows PORT when the operator overrides it.
# (podman keeps HEALTHCHECK only with `podman build --format docker`; Docker keeps it always.)
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
# Node itself is PID 1, in exec form so no shell sits between it and the signal: the service installs
# SIGTERM/SIGINT handlers (close-with-grace), so PID 1's ignore-by-default does not apply; it stops the
# engine child on close and Node reaps that child itself. The engine starts no processes of its own, so
# no orphans reach PID 1 and an init such as tini (absent from the slim image) adds nothing;
# `docker run --init` is there if that ever changes. The shutdown grace (SHUTDOWN_GRACE_MS, default
# 10 s) should stay below the orchestrator's stop timeout (10 s for docker/podman stop).
CMD ["node", "dist/server.js"]
