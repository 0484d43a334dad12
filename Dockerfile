# syntax=docker/dockerfile:1
#
# mockgate as a container: the mock APIs and /__admin on port 4010 (Prism's), bound to 0.0.0.0.
#
#   docker build -t mockgate .
#   docker run --rm -p 4010:4010 mockgate
#   docker run --rm -p 4010:4010 -e MOCKGATE_SCENARIO=rate-limited mockgate        # a bundled scenario
#   docker run --rm -p 4010:4010 -v "$PWD/my-scenarios:/scenarios:ro" mockgate \
#       --scenario /scenarios/ci.yaml --watch                                     # your own scenario
#   docker run --rm -p 4010:4010 -v mockgate-state:/data mockgate --state-file /data/state.json
#
# Scenarios: the bundled ones live in /app/scenarios. Mount a directory at /app/scenarios to replace them
# (it must then hold a default.yaml, or pass --scenario), or mount anywhere else and pass
# --scenario <path>; bundled names (`--scenario conflicts`, `extends: default`) keep working that way.
# Specs: mount your OpenAPI files anywhere and pass --spec /path/spec.yaml[=/prefix].
# State: the process runs as the unprivileged `node` user; /data is the writable place for --state-file.
# Every flag has a MOCKGATE_* environment variable (see `docker run --rm mockgate --help`).
# The production install below (npm ci --omit=dev, then dist/ + specs/ + scenarios/) is what
# test/package-install.test.ts reproduces without a Docker engine.

# ---- base image -----------------------------------------------------------------------------------------
# Node's 24 LTS line ("Krypton"), the release .ci/run tests on, on Debian bookworm. The tag names the exact
# release; NODE_IMAGE_PIN pins the image itself by digest:
#
#   docker buildx imagetools inspect node:24.22.3-bookworm-slim      # "Digest: sha256:…" of the index
#   docker build --build-arg NODE_IMAGE_PIN=@sha256:<that digest> -t mockgate .
#
# NOT PINNED YET: no registry of images is reachable where this file was last changed, so no digest could be
# read from the source and none is invented here. Put the digest above in the default below (and bump both
# together) to make every build use the same bytes.
ARG NODE_VERSION=24.22.3
ARG NODE_IMAGE_PIN=

# ---- build: compile TypeScript to dist/ -------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim${NODE_IMAGE_PIN} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` (the build) would run before the sources are copied in.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- runtime: production dependencies, compiled code, specs and scenarios -------------------------
FROM node:${NODE_VERSION}-bookworm-slim${NODE_IMAGE_PIN}
ENV NODE_ENV=production \
    MOCKGATE_HOST=0.0.0.0 \
    MOCKGATE_PORT=4010
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force \
 && mkdir -p /data \
 && chown node:node /data
COPY --from=build /src/dist ./dist
COPY specs ./specs
COPY scenarios ./scenarios

USER node
EXPOSE 4010
# slim images have no curl; node's own fetch asks the admin health endpoint (open even with --admin-token).
# It follows MOCKGATE_PORT; a --port flag that differs needs -e MOCKGATE_PORT instead.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.MOCKGATE_PORT || 4010) + '/__admin/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The CLI handles SIGTERM / SIGINT itself (closes the server, saves --state-file, exits 0), so it can be PID 1.
# V8 flags for the resident-memory target, on the command line (V8 reads them at start-up; mockgate does not
# change flags at run time): a 4 MB young generation instead of Node's 16 MB; an old generation that grows by
# 100% of its live size before a full collection instead of up to 4×; and no Maglev, V8's middle optimising tier,
# whose compiles on background threads left ~15 MB of freed-but-kept malloc memory under load (getUser at 50
# connections for 15 s: 97–107 MB of RSS without it, 110–124 MB with it; throughput the same within noise: the hot
# paths end in TurboFan either way; start-up ~100 ms slower, ~720 ms). bench/REPORT.md measures this command line;
# `npm start` uses the same flags.
ENTRYPOINT ["node", "--max-semi-space-size=4", "--heap-growing-percent=100", "--no-maglev", "dist/cli.js"]
