#!/usr/bin/env bash
# Run by `npm test` (pretest) and by .ci/run: makes sure the tools the suites drive are on this machine.
#   - .venv/ with the pinned Python packages of test/python/requirements.txt (the real consumer SDKs,
#     schemathesis, and this repository's pytest plugin, python/pytest-mockgate, installed editable);
#     reinstalled only when that file or the plugin's pyproject.toml changes, so a warm run costs nothing;
#   - with CI set, Debian's chromium at /usr/bin/chromium for the browser tests (browsers cannot be downloaded
#     here; installing needs root, as on CI). Without CI a missing chromium is no error: vitest.config.ts leaves
#     the browser suite out and prints one line saying how to run it;
#   - with CI set, Debian's redis-server for the Redis suite (test/redis: replicas sharing sessions through a real
#     Redis, which each test starts on a free loopback port and stops; no system service is used). Without CI a
#     missing redis-server is no error: vitest.config.ts leaves the suite out and prints one line saying so.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

requirements=test/python/requirements.txt
# The plugin is installed editable: its code is read from python/pytest-mockgate/src, but its metadata (entry
# point, dependencies) is copied at install time, so a change to its pyproject.toml needs a reinstall too.
plugin=python/pytest-mockgate/pyproject.toml
stamp=.venv/.requirements.sha256
wanted=$(cat "$requirements" "$plugin" | sha256sum | cut -d' ' -f1)
if [[ ! -x .venv/bin/python || "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]]; then
  echo "mockgate: installing the Python test tools into .venv (from $requirements)"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r "$requirements"
  echo "$wanted" > "$stamp"
fi

# Debian packages CI must have: <binary> <package> <what needs it>. Outside CI each is optional (vitest.config.ts
# leaves its suite out and says how to run it).
debian_tool() {
  local binary=$1 package=$2 purpose=$3
  [[ -x "$binary" ]] && return 0
  [[ -z "${CI:-}" ]] && return 0
  if [[ $(id -u) -ne 0 ]]; then
    echo "mockgate: error: $binary is missing and CI must run $purpose; install it with 'apt-get install -y $package' as root" >&2
    exit 1
  fi
  echo "mockgate: installing Debian's $package for $purpose"
  export DEBIAN_FRONTEND=noninteractive
  if [[ -z "${apt_updated:-}" ]]; then
    apt-get update -qq >/dev/null
    apt_updated=1
  fi
  apt-get install -y -qq --no-install-recommends "$package" >/dev/null
}

debian_tool /usr/bin/chromium chromium 'the browser tests'
debian_tool /usr/bin/redis-server redis-server 'the Redis tests (test/redis)'
