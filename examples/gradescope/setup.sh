#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu): Node.js 20+ and
# lampi-doctor. Pack the tool once on your machine and put the tarball beside this script:
#   (cd lampi-doctor && npm ci && npm run build && npm pack) && cp lampi-doctor/lampi-doctor-*.tgz autograder/
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq ca-certificates curl openssl
if ! command -v node >/dev/null 2>&1 || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  # Ubuntu's own nodejs is too old on older images: NodeSource's Node 20.
  curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
  apt-get install -y -qq nodejs
fi
npm install -g /autograder/source/lampi-doctor-*.tgz
lampi-doctor --version
