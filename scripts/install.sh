#!/usr/bin/env bash
# `make install` / `make uninstall`: Frontyard as an appliance (README: Install on a kiosk PC).
#
#   /opt/frontyard/venv          the pinned virtual environment with Frontyard installed (not editable)
#   /opt/frontyard/share         README, example configuration, alert rules
#   /etc/frontyard/daemon.toml   the configuration (kept when it exists)
#   /var/lib/frontyard           state (journals, outbox); uninstall keeps it unless PURGE=1
#   /etc/systemd/system          frontyard-daemon, frontyard-ui, frontyard-kiosk units
#   /etc/udev/rules.d            60-frontyard.rules (USB printers, cameras, serial ports)
#   users                        frontyard (daemon), frontyard-ui (UI server), frontyard-kiosk (screen)
#
# DESTDIR stages the tree (tests, packaging): then users are not created and systemd/udev not reloaded.
# PREFIX (/opt/frontyard), SYSCONFDIR (/etc), STATEDIR (/var/lib/frontyard) move the parts.
#
# `scripts/install.sh deb` builds build/frontyard_<version>_<arch>.deb from the same staged tree (with
# Debian's /usr/bin/python3, so the venv runs on the kiosk PC); its postinst runs this script's
# `postinst` (users, udev, systemd) from /opt/frontyard/share. STAGED=1 packages an existing DESTDIR.
set -euo pipefail
cd "$(dirname "$0")/.."

ACTION=${1:-install}
DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/opt/frontyard}
SYSCONFDIR=${SYSCONFDIR:-/etc}
STATEDIR=${STATEDIR:-/var/lib/frontyard}
PYTHON=${PYTHON:-python3}
PURGE=${PURGE:-0}
INSTALL_DEPENDENCIES=${INSTALL_DEPENDENCIES:-1}  # 0: only Frontyard itself (staged-install test)
UNITS=(frontyard-daemon.service frontyard-ui.service frontyard-kiosk.service)
RUNTIME_PACKAGES="pcscd libusb-1.0-0 libudev1 fonts-ipaexfont fonts-ipamj-mincho tesseract-ocr tesseract-ocr-jpn"

say() { printf '[install] %s\n' "$*"; }
live() { [ -z "$DESTDIR" ]; }

create_users() {
  live || return 0
  getent group frontyard >/dev/null || groupadd --system frontyard
  id frontyard >/dev/null 2>&1 || useradd --system --gid frontyard --home-dir "$STATEDIR" \
    --no-create-home --shell /usr/sbin/nologin --comment "Frontyard device daemon" frontyard
  usermod -a -G lp,video,dialout frontyard
  id frontyard-ui >/dev/null 2>&1 || useradd --system --user-group --no-create-home \
    --shell /usr/sbin/nologin --comment "Frontyard kiosk UI server" frontyard-ui
  usermod -a -G frontyard frontyard-ui
  id frontyard-kiosk >/dev/null 2>&1 || useradd --create-home --user-group --shell /usr/sbin/nologin \
    --comment "Frontyard kiosk screen" frontyard-kiosk
  usermod -a -G video,render,input frontyard-kiosk 2>/dev/null || usermod -a -G video,input frontyard-kiosk
}

install_tree() {
  local root="$DESTDIR$PREFIX"
  say "virtual environment in $root/venv"
  mkdir -p "$root" "$root/share"
  [ -x "$root/venv/bin/python" ] || "$PYTHON" -m venv "$root/venv"
  if [ "$INSTALL_DEPENDENCIES" = 1 ]; then
    "$root/venv/bin/python" -m pip install -q --disable-pip-version-check --require-hashes --no-deps \
      -r requirements.lock
  fi
  # Frontyard itself as a wheel built here (no network): not editable, no link back to this checkout.
  local wheels
  wheels=$(mktemp -d)
  .venv/bin/python -m pip wheel -q --no-deps --no-build-isolation --no-index -w "$wheels" . \
    >"$wheels/build.log" 2>&1 || { cat "$wheels/build.log"; exit 1; }
  "$root/venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps --no-index \
    --force-reinstall "$wheels"/frontyard-*.whl
  rm -rf "$wheels"
  # The generated gRPC code travels inside the venv (site-packages/frontyard_gen + a .pth line).
  local site
  site=$("$root/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  rm -rf "$site/frontyard_gen" && cp -r gen "$site/frontyard_gen"
  echo "$PREFIX/venv/${site#"$root/venv/"}/frontyard_gen" > "$site/frontyard-gen.pth"
  if ! live; then  # scripts must name the final interpreter, not the staging one
    sed -i "1s|^#!$root/venv/bin/python|#!$PREFIX/venv/bin/python|" "$root"/venv/bin/*
  fi
  install -m 0644 README.md "$root/share/README.md"
  install -D -m 0644 install/frontyard.toml "$root/share/daemon.toml.example"
  install -D -m 0644 install/prometheus/frontyard-alerts.yml "$root/share/prometheus/frontyard-alerts.yml"

  say "configuration in $DESTDIR$SYSCONFDIR/frontyard"
  install -d -m 0750 "$DESTDIR$SYSCONFDIR/frontyard"
  [ -e "$DESTDIR$SYSCONFDIR/frontyard/daemon.toml" ] \
    || install -m 0640 install/frontyard.toml "$DESTDIR$SYSCONFDIR/frontyard/daemon.toml"
  install -D -m 0644 install/chromium/frontyard.json "$DESTDIR$SYSCONFDIR/chromium/policies/managed/frontyard.json"
  install -d -m 0750 "$DESTDIR$STATEDIR"

  say "systemd units and udev rules"
  for unit in "${UNITS[@]}"; do
    install -D -m 0644 "install/systemd/$unit" "$DESTDIR$SYSCONFDIR/systemd/system/$unit"
  done
  install -D -m 0644 install/udev/60-frontyard.rules "$DESTDIR$SYSCONFDIR/udev/rules.d/60-frontyard.rules"
}

activate() {
  live || return 0
  chown -R root:frontyard "$SYSCONFDIR/frontyard"
  chown frontyard:frontyard "$STATEDIR"
  udevadm control --reload 2>/dev/null && udevadm trigger 2>/dev/null || say "udev not running: replug the devices"
  systemctl daemon-reload 2>/dev/null || say "systemd not running: units installed, not started"
  systemctl mask ctrl-alt-del.target >/dev/null 2>&1 || true  # a kiosk keyboard must not reboot the PC
  say "next: edit $SYSCONFDIR/frontyard/daemon.toml (frontyard-daemon discover), then"
  say "  systemctl enable --now frontyard-daemon frontyard-ui frontyard-kiosk"
  say "runtime Debian packages needed: $RUNTIME_PACKAGES cage chromium"
}

uninstall() {
  if live; then
    systemctl disable --now "${UNITS[@]}" 2>/dev/null || true
  fi
  for unit in "${UNITS[@]}"; do rm -f "$DESTDIR$SYSCONFDIR/systemd/system/$unit"; done
  rm -f "$DESTDIR$SYSCONFDIR/udev/rules.d/60-frontyard.rules" \
    "$DESTDIR$SYSCONFDIR/chromium/policies/managed/frontyard.json"
  rm -rf "${DESTDIR}${PREFIX:?}"
  if [ "$PURGE" = 1 ]; then
    say "PURGE=1: removing configuration $SYSCONFDIR/frontyard and state $STATEDIR"
    rm -rf "${DESTDIR}$SYSCONFDIR/frontyard" "${DESTDIR}$STATEDIR"
    if live; then
      for user in frontyard-kiosk frontyard-ui frontyard; do userdel "$user" 2>/dev/null || true; done
      groupdel frontyard 2>/dev/null || true
    fi
  else
    say "kept configuration $SYSCONFDIR/frontyard and state $STATEDIR (PURGE=1 removes them)"
  fi
  if live; then
    systemctl unmask ctrl-alt-del.target >/dev/null 2>&1 || true
    systemctl daemon-reload 2>/dev/null || true
  fi
}

package_deb() {
  local version arch root control
  version=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -1)
  arch=$(dpkg --print-architecture)
  root=${DESTDIR:-build/deb/root}
  if [ "${STAGED:-0}" != 1 ]; then
    rm -rf "$root"
    DESTDIR=$root PYTHON=/usr/bin/python3 bash "$0" install
  fi
  install -D -m 0755 scripts/install.sh "$root$PREFIX/share/install.sh"
  control="$root/DEBIAN"
  mkdir -p "$control"
  cat > "$control/control" <<CONTROL
Package: frontyard
Version: $version
Architecture: $arch
Maintainer: Frontyard project <frontyard@localhost>
Depends: python3 (>= 3.11), pcscd, libusb-1.0-0, libudev1, fonts-ipaexfont, fonts-ipamj-mincho, tesseract-ocr, tesseract-ocr-jpn
Recommends: cage, chromium, avahi-utils, cups-client
Section: misc
Priority: optional
Description: Frontyard city hall counter kiosk (device daemon, UI, kiosk screen)
 Installs /opt/frontyard, /etc/frontyard, systemd units and udev rules; see
 /opt/frontyard/share/README.md, section "Install on a kiosk PC".
CONTROL
  (cd "$root" && find etc -type f | sed 's|^|/|') > "$control/conffiles"
  printf '#!/bin/sh\nset -e\n[ "$1" = configure ] && bash %s/share/install.sh postinst\nexit 0\n' "$PREFIX" \
    > "$control/postinst"
  printf '#!/bin/sh\nset -e\n[ "$1" = remove ] && systemctl disable --now %s 2>/dev/null || true\nexit 0\n' \
    "${UNITS[*]}" > "$control/prerm"
  chmod 0755 "$control/postinst" "$control/prerm"
  local out=${DEB_DIR:-build}
  mkdir -p "$out"
  dpkg-deb --root-owner-group -Zgzip --build "$root" "$out/frontyard_${version}_${arch}.deb" >/dev/null
  say "built $out/frontyard_${version}_${arch}.deb"
}

case "$ACTION" in
  install) create_users; install_tree; activate ;;
  uninstall) uninstall ;;
  postinst) create_users; activate ;;  # from the Debian package, on the kiosk PC
  deb) package_deb ;;
  *) echo "usage: $0 install|uninstall|deb" >&2; exit 2 ;;
esac
