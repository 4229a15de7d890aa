#!/usr/bin/env bash
# `make run`: pcscd (if needed), every simulator, the daemon configured for them, and the kiosk UI.
# Environment: UI_PORT (8080), SIM_CONTROL (127.0.0.1:50070; :0 picks a free port), RUN_DIR (run).
set -euo pipefail
cd "$(dirname "$0")/.."
UI_PORT=${UI_PORT:-8080}
SIM_CONTROL=${SIM_CONTROL:-127.0.0.1:50070}
RUN=${RUN_DIR:-run}
mkdir -p "$RUN"
say() { printf '[run] %s\n' "$*"; }

pids=()
cleanup() {
  say "stopping…"
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

wait_for_file() {  # wait_for_file FILE SECONDS WHAT LOG
  for _ in $(seq $(($2 * 10))); do [ -s "$1" ] && return 0; sleep 0.1; done
  say "$3 did not start; see $4"; cat "$4"; exit 1
}

# The card simulator needs the system pcscd with its vpcd reader. Ask pcscd itself: a pcscd process alone
# proves nothing (tests run private ones on their own sockets).
vpcd_reader_visible() {
  env -u PCSCLITE_CSOCK_NAME .venv/bin/python -c 'import sys
from smartcard.System import readers
sys.exit(0 if any("Virtual PCD" in str(reader) for reader in readers()) else 1)' 2>/dev/null
}

if ! vpcd_reader_visible; then
  if [ "$(id -u)" -eq 0 ]; then
    say "starting pcscd --foreground (with the vpcd virtual reader)"
    pcscd --foreground >"$RUN/pcscd.log" 2>&1 & pids+=($!)
    for _ in $(seq 50); do vpcd_reader_visible && break; sleep 0.1; done
  else
    say "pcscd is not running; as root run: pcscd --foreground &   (the card simulator needs it)"
  fi
fi

rm -f "$RUN/sim.ready" "$RUN/daemon.ready" "$RUN/ui.ready"
.venv/bin/frontyard-sim --state-dir "$RUN/sim" --daemon-config "$RUN/daemon.toml" \
  --daemon-storage "$RUN/daemon" --socket-dir "$RUN" --control "$SIM_CONTROL" \
  >"$RUN/sim.ready" 2>"$RUN/sim.log" & pids+=($!)
wait_for_file "$RUN/sim.ready" 30 "the simulators" "$RUN/sim.log"
control=$(.venv/bin/python -c 'import json,sys; print(json.load(open(sys.argv[1]))["control"])' "$RUN/sim.ready")

# A demo staff member for the staff console and the counter tablet (simulators only; README "Staff sign-in").
if [ ! -s "$RUN/demo-staff.txt" ]; then
  password=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(12))')
  printf '%s\n' "$password" | .venv/bin/frontyard-staff --storage "$RUN/daemon" reset DEMO-1 >/dev/null 2>&1 \
    || printf '%s\n' "$password" | .venv/bin/frontyard-staff --storage "$RUN/daemon" \
      add DEMO-1 --name "デモ 職員" --role 窓口 --role 会計 >/dev/null
  (umask 077; printf 'DEMO-1 %s\n' "$password" >"$RUN/demo-staff.txt")
fi

.venv/bin/frontyard-daemon --config "$RUN/daemon.toml" >"$RUN/daemon.ready" 2>"$RUN/daemon.log" & pids+=($!)
wait_for_file "$RUN/daemon.ready" 30 "the daemon" "$RUN/daemon.log"

.venv/bin/python -m kiosk_ui.server --daemon "unix:$RUN/kiosk.sock" --staff-daemon "unix:$RUN/staff.sock" \
  --simulators "$control" --port "$UI_PORT" >"$RUN/ui.ready" 2>"$RUN/ui.log" & pids+=($!)
wait_for_file "$RUN/ui.ready" 30 "the kiosk UI" "$RUN/ui.log"

say "simulators: $(cat "$RUN/sim.ready")"
say "daemon:     $(cat "$RUN/daemon.ready")   (logs: $RUN/daemon.log)"
say "kiosk UI:   http://127.0.0.1:${UI_PORT}/   staff console: http://127.0.0.1:${UI_PORT}/staff/"
say "staff sign-in (demo account, simulators only): $(cat "$RUN/demo-staff.txt")"
say "Ctrl-C stops everything."
wait -n "${pids[@]}"
