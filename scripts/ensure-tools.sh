#!/usr/bin/env bash
# Installs, from Debian's packages, the real peers and reference clients the test suite uses when any
# is missing: Mosquitto and its clients, OpenSSL, xmllint, Prometheus (promtool), Chromium and tmux.
# Without root or apt-get it says what is missing and goes on: those suites are skipped visibly.
set -euo pipefail
declare -A wanted=(
  [mosquitto]=mosquitto [mosquitto_pub]=mosquitto-clients [openssl]=openssl [xmllint]=libxml2-utils
  [promtool]=prometheus [chromium]=chromium [tmux]=tmux
)
missing=()
for tool in "${!wanted[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || [ -x "/usr/bin/$tool" ] || missing+=("${wanted[$tool]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "lampi-doctor: missing ${missing[*]}; install them as root (apt-get install ${missing[*]}); their suites will be skipped." >&2
    exit 0
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "lampi-doctor: missing ${missing[*]} and this is not a Debian/Ubuntu machine; their suites will be skipped." >&2
  exit 0
fi
echo "Installing from Debian's packages: ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
