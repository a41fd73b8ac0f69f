#!/usr/bin/env bash
# Builds opm (github.com/operator-framework/operator-registry) from the Go module proxy into the
# given path: `go install` cannot build it directly, so it is built from a small wrapper module,
# with the build tags operator-registry needs. Usage: hack/build-opm.sh <version> <output path>
set -euo pipefail
version="$1"
output="$2"
[ -x "$output" ] && exit 0
echo "building opm $version from the Go module proxy (first time only: a few minutes)" >&2
mkdir -p "$(dirname "$output")"
work="$(mktemp -d "$(dirname "$output")/.build-XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"
go mod init local/opm-build >/dev/null 2>&1
go get "github.com/operator-framework/operator-registry/cmd/opm@$version" >build.log 2>&1 || { tail -30 build.log >&2; exit 1; }
CGO_ENABLED=0 go build -tags json1,containers_image_openpgp -trimpath -o opm \
  github.com/operator-framework/operator-registry/cmd/opm >build.log 2>&1 || { tail -30 build.log >&2; exit 1; }
mv opm "$output"
echo "opm ready: $output" >&2
