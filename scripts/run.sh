#!/usr/bin/env bash
# `make run`: pcscd (if needed), every simulator, the daemon configured for them, and the kiosk UI.
set -euo pipefail
cd "$(dirname "$0")/.."
UI_PORT=${UI_PORT:-8080}
mkdir -p run
say() { printf '[run] %s\n' "$*"; }

pids=()
cleanup() {
  say "stopping…"
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

if ! pgrep -x pcscd >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    say "starting pcscd --foreground (with the vpcd virtual reader)"
    pcscd --foreground >run/pcscd.log 2>&1 & pids+=($!)
    sleep 1
  else
    say "pcscd is not running; as root run: pcscd --foreground &   (the card simulator needs it)"
  fi
fi

.venv/bin/frontyard-sim --state-dir run/sim --daemon-config run/daemon.toml >run/sim.ready 2>run/sim.log & pids+=($!)
for _ in $(seq 100); do [ -s run/sim.ready ] && break; sleep 0.2; done
[ -s run/sim.ready ] || { say "simulators did not start; see run/sim.log"; cat run/sim.log; exit 1; }

.venv/bin/frontyard-daemon --config run/daemon.toml >run/daemon.ready 2>run/daemon.log & pids+=($!)
for _ in $(seq 100); do [ -s run/daemon.ready ] && break; sleep 0.1; done
[ -s run/daemon.ready ] || { say "daemon did not start; see run/daemon.log"; cat run/daemon.log; exit 1; }

.venv/bin/python -m kiosk_ui.server --daemon unix:run/kiosk.sock --staff-daemon unix:run/staff.sock \
  --simulators 127.0.0.1:50070 --port "$UI_PORT" >run/ui.ready 2>run/ui.log & pids+=($!)

say "simulators: $(cat run/sim.ready)"
say "daemon:     $(cat run/daemon.ready)   (logs: run/daemon.log)"
say "kiosk UI:   http://127.0.0.1:${UI_PORT}/   staff console: http://127.0.0.1:${UI_PORT}/staff/"
say "Ctrl-C stops everything."
wait -n "${pids[@]}"
