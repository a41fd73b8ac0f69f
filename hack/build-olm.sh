#!/usr/bin/env bash
# Builds operator-lifecycle-manager's two operators (cmd/olm and cmd/catalog), and cpb (util/cpb,
# which its bundle unpack Jobs run), from the Go module proxy into a folder, beside the CRDs of the same version (deploy/chart/crds) and
# grpc_health_probe (which OLM's catalog pods run as their probes, as upstream's opm image holds
# it), for the OLM suite (test/olm). Like opm (hack/build-opm.sh), it is built from a small wrapper module that lets the
# go command resolve and record its dependencies at the exact version.
# Usage: hack/build-olm.sh <version> <output folder>
set -euo pipefail
version="$1"
output="$2"
probe_version=v0.4.62
[ -x "$output/olm" ] && [ -x "$output/catalog" ] && [ -x "$output/cpb" ] && [ -x "$output/grpc_health_probe" ] && [ -d "$output/crds" ] && exit 0
module=github.com/operator-framework/operator-lifecycle-manager
probe=github.com/grpc-ecosystem/grpc-health-probe
echo "building OLM $version (cmd/olm, cmd/catalog) from the Go module proxy (first time only: a few minutes)" >&2
mkdir -p "$(dirname "$output")"
work="$(mktemp -d "$(dirname "$output")/.build-olm-XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"
go mod init local/olm-build >/dev/null 2>&1
go get "$module/cmd/olm@$version" "$module/cmd/catalog@$version" >build.log 2>&1 || { tail -30 build.log >&2; exit 1; }
mkdir -p out
for pkg in cmd/olm cmd/catalog util/cpb; do
  CGO_ENABLED=0 go build -trimpath -o "out/$(basename "$pkg")" "$module/$pkg" >build.log 2>&1 || { tail -30 build.log >&2; exit 1; }
done
# The probe is a module of its own: installed on its own, it keeps its own dependency versions.
CGO_ENABLED=0 GOBIN="$work/out" go install -trimpath "$probe@$probe_version" >build.log 2>&1 || { tail -30 build.log >&2; exit 1; }
mv out/grpc-health-probe out/grpc_health_probe
dir="$(go list -m -f '{{.Dir}}' "$module")"
cp -r "$dir/deploy/chart/crds" out/crds
chmod -R u+w out/crds
rm -rf "$output"
mv out "$output"
echo "OLM ready: $output" >&2
