#!/bin/sh
# Runs the vendor's Python client against the simulator's VeiL skin (needs PyPI and a Python
# 3.8-3.10 interpreter, e.g. PYTHON=~/.pyenv/versions/3.8.18/bin/python). Not part of CI.
set -eu
PYTHON=${PYTHON:-python3.8}
PORT=${PORT:-18734}
VENV=${VENV:-/tmp/veil-venv}
[ -x "$VENV/bin/python" ] || { "$PYTHON" -m venv "$VENV"; "$VENV/bin/pip" install -q veil-api-client==2.2.18; }
cargo build -q -p omnivirt-sim --example serve
"${CARGO_TARGET_DIR:-target}/debug/examples/serve" "$PORT" &
SERVER=$!
trap 'kill $SERVER' EXIT
sleep 2
"$VENV/bin/python" "$(dirname "$0")/official_client_check.py" "http://127.0.0.1:$PORT/veil"
