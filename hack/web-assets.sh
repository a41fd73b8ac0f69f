#!/usr/bin/env bash
# Fetches the pinned npm packages of the catalog page into the cache, once, and checks each
# against the integrity the npm registry published for that exact version:
#   @patternfly/patternfly  the page's stylesheet, fonts and icons (a subset is vendored into
#                           internal/catalog/page/web/vendor by hack/vendor-patternfly, and a test
#                           holds the vendored files to this tarball);
#   axe-core                the accessibility checker the browser tests run in the page.
# Usage: hack/web-assets.sh [print-env]
#   print-env  prints TEST_ASSET_PATTERNFLY_TGZ and TEST_ASSET_AXE for the tests.
set -euo pipefail

PATTERNFLY_VERSION=6.6.1
PATTERNFLY_INTEGRITY=sha512-8P9C1TmFk5y5s2/1XVjmP9JmSyDXDiNBwPZewhPizULtqlaRu+Evljx/X1HTSFrCNY0qgI1uDKy+NXiorIniyA==
AXE_VERSION=4.14.1
AXE_INTEGRITY=sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==
CACHE_DIR="${MCP_OPERATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mcp-lifecycle-operator}"
npm_dir="$CACHE_DIR/npm"
patternfly_tgz="$npm_dir/patternfly-patternfly-$PATTERNFLY_VERSION.tgz"
axe_dir="$CACHE_DIR/axe-core-$AXE_VERSION"

if [ "${1:-}" = "print-env" ]; then
  echo "TEST_ASSET_PATTERNFLY_TGZ=$patternfly_tgz"
  echo "TEST_ASSET_AXE=$axe_dir/axe.min.js"
  exit 0
fi

# integrity_of prints a file's npm-style integrity string (sha512, base64).
integrity_of() { echo "sha512-$(openssl dgst -sha512 -binary "$1" | base64 -w0)"; }

# ensure_npm installs Debian's npm when the machine has none (uses sudo when not root).
ensure_npm() {
  command -v npm >/dev/null && return 0
  if ! command -v apt-get >/dev/null; then
    echo "web-assets: npm is needed to fetch the page's npm packages; install Node.js and npm" >&2
    exit 1
  fi
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "web-assets: installing Debian's npm package ..." >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq npm >/dev/null
}

# fetch NAME VERSION INTEGRITY FILE: npm pack the exact version into the cache, once.
fetch() {
  local name=$1 version=$2 integrity=$3 file=$4
  if [ -f "$file" ] && [ "$(integrity_of "$file")" = "$integrity" ]; then
    return 0
  fi
  ensure_npm
  echo "web-assets: fetching $name@$version from the npm registry" >&2
  local tmp
  tmp="$(mktemp -d "$npm_dir/.pack-XXXXXX")"
  (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null)
  local got
  got="$(integrity_of "$tmp"/*.tgz)"
  if [ "$got" != "$integrity" ]; then
    echo "web-assets: $name@$version has integrity $got, want $integrity" >&2
    rm -rf "$tmp"
    exit 1
  fi
  mv "$tmp"/*.tgz "$file"
  rm -rf "$tmp"
}

mkdir -p "$npm_dir"
fetch @patternfly/patternfly "$PATTERNFLY_VERSION" "$PATTERNFLY_INTEGRITY" "$patternfly_tgz"
if [ ! -f "$axe_dir/axe.min.js" ]; then
  axe_tgz="$npm_dir/axe-core-$AXE_VERSION.tgz"
  fetch axe-core "$AXE_VERSION" "$AXE_INTEGRITY" "$axe_tgz"
  tmp="$(mktemp -d "$CACHE_DIR/.axe-XXXXXX")"
  tar -xzf "$axe_tgz" -C "$tmp" package/axe.min.js package/LICENSE
  mv "$tmp/package" "$tmp/out" && rm -rf "$axe_dir" && mv "$tmp/out" "$axe_dir" && rm -rf "$tmp"
fi
