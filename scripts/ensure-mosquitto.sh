#!/usr/bin/env bash
# Installs Mosquitto from Debian's packages when it is missing; says clearly what to do otherwise.
set -euo pipefail
if [ -n "${LAMPI_MOSQUITTO:-}" ] && [ -x "$LAMPI_MOSQUITTO" ]; then exit 0; fi
if command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ]; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "lampi-doctor: Mosquitto is not installed and this is not a Debian/Ubuntu machine." >&2
  echo "Install it with your package manager (e.g. 'brew install mosquitto'), or set LAMPI_MOSQUITTO=/path/to/mosquitto." >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "lampi-doctor: Mosquitto is missing and installing it needs root: run 'apt-get install mosquitto' as root." >&2
    exit 1
  fi
fi
echo "Installing Mosquitto from Debian's packages (apt-get install mosquitto mosquitto-clients)..." >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends mosquitto mosquitto-clients >/dev/null
echo "Mosquitto $(/usr/sbin/mosquitto -h 2>/dev/null | head -1 | awk '{print $3}') installed." >&2
