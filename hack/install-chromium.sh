#!/usr/bin/env bash
# Installs Debian's chromium package for the catalog's browser tests (the tests drive it with
# chromedp; nothing is downloaded from a browser vendor). Uses sudo when not root.
set -euo pipefail

if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "install-chromium: no apt-get here; install Chromium yourself and set CHROMIUM to its path" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  sudo="sudo"
fi
echo "Installing Debian's chromium package for the browser tests ..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
command -v chromium
