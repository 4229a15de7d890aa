#!/usr/bin/env bash
# Install what is missing, then stop: Debian packages, the pinned virtual environment, generated gRPC code.
# A second run with nothing changed takes seconds. Used by `make run` and `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  pcscd libpcsclite-dev swig vsmartcard-vpcd pcsc-tools   # card reader: PC/SC daemon + virtual reader driver
  tesseract-ocr tesseract-ocr-jpn                          # document camera OCR
  fonts-ipaexfont fonts-nanum                              # Japanese and Korean fonts for the browser
  fonts-ipamj-mincho                                       # 𠮷 and other 人名 characters IPAex lacks (receipts, PDFs)
  fonts-dejavu-core                                        # Vietnamese precomposed letters (ế, ệ) in the kiosk UI
  chromium                                                 # kiosk UI tests (Playwright drives Debian's chromium)
  cups-ipp-utils poppler-utils                             # ippeveprinter as an IPP peer; PDF previews
  gcc python3-dev                                          # building wheels that have none for this Python
  libusb-1.0-0 libudev1 systemd                            # usb:// printers (pyusb), hot-plug (pyudev), systemd-analyze
  slapd ldap-utils                                         # a real LDAP directory for the staff sign-in tests
  postgresql                                               # the central back-office database (tests start their own)
)

say() { printf '[setup] %s\n' "$*"; }

missing_packages() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || printf '%s\n' "$pkg"
  done
}

install_debian_packages() {
  local python=${PYTHON:-python3}
  local wanted=("${APT_PACKAGES[@]}")
  # Debian's own python3 needs python3-venv for `python3 -m venv`.
  "$python" -c 'import ensurepip' 2>/dev/null || wanted+=(python3-venv)
  mapfile -t missing < <(missing_packages "${wanted[@]}")
  [ "${#missing[@]}" -eq 0 ] && return 0
  local command="apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    say "missing Debian packages; as root run:"
    say "  apt-get update && $command"
    say "必要な Debian パッケージがありません。root で上のコマンドを実行してください。"
    exit 1
  fi
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

stamp_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

install_virtualenv() {
  local python=${PYTHON:-python3}
  local stamp=.venv/.frontyard-installed want
  want=$(stamp_of requirements.lock pyproject.toml)
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    say "Python 3.11 or newer is needed; $("$python" --version) found. Set PYTHON=/path/to/python3.11"
    exit 1
  }
  [ -x .venv/bin/python ] || { say "creating .venv with $("$python" --version)"; "$python" -m venv .venv; }
  say "installing pinned Python packages into .venv (requirements.lock)"
  .venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e . >/dev/null 2>&1 \
    || .venv/bin/python -m pip install --no-deps --no-build-isolation -e .
  echo "$want" > "$stamp"
}

generate_grpc_code() {
  local stamp=gen/.stamp want fresh
  want=$(find proto -name '*.proto' -print0 | sort -z | xargs -0 cat | stamp_of /dev/stdin scripts/setup.sh)
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
  say "generating gRPC code from proto/ into gen/"
  # Generate beside gen/ and swap it in, so a test running meanwhile never sees a half-written gen/.
  fresh=$(mktemp -d gen.new.XXXXXX)
  mapfile -t protos < <(cd proto && find . -name '*.proto' | sed 's|^\./||' | sort)
  .venv/bin/python -m grpc_tools.protoc -I proto \
    -I "$(.venv/bin/python -c 'import grpc_tools, os; print(os.path.join(os.path.dirname(grpc_tools.__file__), "_proto"))')" \
    --python_out="$fresh" --pyi_out="$fresh" --grpc_python_out="$fresh" --mypy_grpc_out="$fresh" \
    --plugin=protoc-gen-mypy_grpc=.venv/bin/protoc-gen-mypy_grpc "${protos[@]}" 2>"$fresh.log" || {
    # protoc's own words name the file, line and problem: show them (its warnings on success are noise)
    say "protoc failed to compile proto/ (protoc の出力):"; cat "$fresh.log" >&2
    rm -rf "$fresh" "$fresh.log"; exit 1
  }
  rm -f "$fresh.log"
  # Make the generated packages importable (a build output, not a package we publish).
  find "$fresh" -mindepth 1 -type d -exec touch {}/__init__.py \;
  echo "$want" > "$fresh/.stamp"
  rm -rf gen.old && { [ ! -d gen ] || mv gen gen.old; } && mv "$fresh" gen && rm -rf gen.old
  site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  echo "$PWD/gen" > "$site/frontyard-gen.pth"
}

install_debian_packages
install_virtualenv
generate_grpc_code
