#!/usr/bin/env bash
# Starts a fresh real lakeFS (an already-built binary; this script builds nothing) in Community mode for recording
# test/fidelity/lakefs-community.transcript.json. Usage: real-lakefs.sh <lakefs-binary> <port> <scratch-dir>
# It wipes <scratch-dir>, runs `lakefs setup` with the admin of mockgate's lakefs-community scenario, then
# `lakefs run` in the foreground (stop it with Ctrl-C or by killing its pid). See README.md.
set -euo pipefail
bin=${1:?lakefs binary}; port=${2:?port}; scratch=${3:?scratch dir}
case "$scratch" in /tmp/*) ;; *) echo "scratch dir must be under /tmp" >&2; exit 2 ;; esac
rm -rf "$scratch"; mkdir -p "$scratch"/{db,data,cache}
export LAKEFS_LISTEN_ADDRESS=127.0.0.1:$port
export LAKEFS_DATABASE_TYPE=local LAKEFS_DATABASE_LOCAL_PATH=$scratch/db
export LAKEFS_BLOCKSTORE_TYPE=local LAKEFS_BLOCKSTORE_LOCAL_PATH=$scratch/data
export LAKEFS_COMMITTED_LOCAL_CACHE_DIR=$scratch/cache
# the scenario's jwtSecret, so a JWT signed for one side is valid on the other
export LAKEFS_AUTH_ENCRYPT_SECRET_KEY=mockgate-lakefs-dev-secret
export LAKEFS_STATS_ENABLED=false LAKEFS_EMAIL_SUBSCRIPTION_ENABLED=false LAKEFS_SECURITY_CHECK_LATEST_VERSION=false
export LAKEFS_SECURITY_AUDIT_CHECK_URL=http://127.0.0.1:9/audit LAKEFS_STATS_ADDRESS=http://127.0.0.1:9/
# caches off: a read right after a delete answers what the KV store holds, not a cached copy (README.md)
export LAKEFS_GRAVELER_REPOSITORY_CACHE_SIZE=${FIDELITY_REPO_CACHE_SIZE:-0}
export LAKEFS_AUTH_CACHE_ENABLED=${FIDELITY_AUTH_CACHE_ENABLED:-false}
export LAKEFS_LOGGING_LEVEL=${LAKEFS_LOGGING_LEVEL:-WARN}
"$bin" setup --user-name admin --access-key-id AKIAIOSFOLQUICKSTART \
  --secret-access-key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY >"$scratch/setup.log" 2>&1
exec "$bin" run
