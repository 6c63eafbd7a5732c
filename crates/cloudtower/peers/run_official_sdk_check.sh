#!/usr/bin/env bash
# Runs SmartX's official Python SDK (cloudtower-sdk 2.23.0 from PyPI) against the simulator's
# CloudTower skin on loopback. The venv lives under /tmp and is never committed.
# Usage: bash crates/cloudtower/peers/run_official_sdk_check.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${CT_VENV:-/tmp/omnivirt-cloudtower-sdk-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "cloudtower-sdk==2.23.0"
fi
cargo build -q -p omnivirt-cloudtower --example sim_server
bin="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/examples/sim_server"
out="$(mktemp)"
"$bin" --seconds 120 >"$out" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 1 100); do
  grep -q "listening on" "$out" && break
  sleep 0.1
done
url="$(sed -n 's/^listening on //p' "$out")"
[ -n "$url" ] || { echo "the simulator did not start" >&2; exit 1; }
"$venv/bin/python" "$here/official_sdk_check.py" "$url"
