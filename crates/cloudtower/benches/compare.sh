#!/usr/bin/env bash
# Side-by-side decode of the same 10,000-VM get-vms body (~22 MB): typed Rust (the crate's reader,
# then serde_json), serde_json::Value,
# and the official Python SDK (cloudtower-sdk 2.23.0, HTTP faked). Not part of CI.
# Usage: bash crates/cloudtower/benches/compare.sh [N]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
n="${1:-10000}"
venv="${CT_VENV:-/tmp/omnivirt-cloudtower-sdk-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "cloudtower-sdk==2.23.0"
fi
cargo build -q --release -p omnivirt-cloudtower --example decode_report
bin="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/examples/decode_report"
body="$(mktemp --suffix=.json)"
trap 'rm -f "$body"' EXIT
"$bin" write "$body" "$n"
for mode in typed serde-typed value; do
  best=""
  for _ in 1 2 3; do
    line="$("$bin" "$mode" "$body")"
    best="$(printf '%s\n%s\n' "$best" "$line" | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
print(json.dumps(min(rows, key=lambda r: r["seconds"])))')"
  done
  echo "$best"
done
"$venv/bin/python" "$here/python_sdk_decode.py" "$body"
