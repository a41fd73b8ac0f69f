#!/usr/bin/env bash
# Builds the local control plane used by the envtest and end-to-end suites from the Go module
# proxy: kube-apiserver, kube-controller-manager, kube-scheduler and kubectl (k8s.io/kubernetes),
# etcd (go.etcd.io/etcd/server/v3) and kwok (sigs.k8s.io/kwok). There is no other way to get
# them on a machine without internet downloads, and this way needs nothing but Go.
#
# Binaries are cached outside the clone, one folder per tool and version, so every clone on the
# machine reuses them. A folder appears only once its build has completed (build in a temporary
# folder, then rename), so an interrupted build is never mistaken for a finished one.
#
# Usage: hack/control-plane.sh [print-env]
#   print-env  prints shell assignments (TEST_ASSET_*, KWOK) for the built binaries.
set -euo pipefail

KUBERNETES_VERSION="${KUBERNETES_VERSION:-v1.37.2}"
# The staging modules (k8s.io/api, ...) that match KUBERNETES_VERSION.
KUBERNETES_STAGING_VERSION="${KUBERNETES_STAGING_VERSION:-v0.${KUBERNETES_VERSION#v1.}}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
KWOK_VERSION="${KWOK_VERSION:-v0.8.0}"
CACHE_DIR="${MCP_OPERATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mcp-lifecycle-operator}"
PLATFORM="$(go env GOOS)-$(go env GOARCH)"

kube_dir="$CACHE_DIR/kubernetes-$KUBERNETES_VERSION-$PLATFORM"
etcd_dir="$CACHE_DIR/etcd-$ETCD_VERSION-$PLATFORM"
kwok_dir="$CACHE_DIR/kwok-$KWOK_VERSION-$PLATFORM"

log() { echo "control-plane: $*" >&2; }

# run_logged runs a command with its output in a log file, printing a progress line every 250
# lines (go build -v prints one per compiled package), and the log's tail if the command fails.
run_logged() {
  local logfile="$CACHE_DIR/.build.log"
  "$@" >"$logfile" 2>&1 </dev/null &
  local pid=$! shown=0 lines
  while kill -0 "$pid" 2>/dev/null; do
    sleep 5
    lines=$(wc -l <"$logfile")
    if [ "$lines" -ge $((shown + 250)) ]; then
      shown=$lines
      log "  ... $lines packages compiled"
    fi
  done
  if ! wait "$pid"; then
    tail -n 40 "$logfile" >&2
    log "failed: $*"
    return 1
  fi
}

# new_wrapper_module creates an empty module in a temporary folder and prints its path.
new_wrapper_module() {
  local dir
  dir="$(mktemp -d "$CACHE_DIR/.build-XXXXXX")"
  (cd "$dir" && go mod init local/controlplane-build >/dev/null 2>&1)
  echo "$dir"
}

# publish moves a finished build into its cache folder in one rename.
publish() {
  local from="$1" to="$2"
  chmod 755 "$from"
  rm -rf "$to.partial" && mv "$from" "$to.partial" && mv "$to.partial" "$to"
}

build_kubernetes() {
  [ -x "$kube_dir/kube-apiserver" ] && return 0
  log "building kube-apiserver, kube-controller-manager, kube-scheduler and kubectl $KUBERNETES_VERSION"
  log "from the Go module proxy (first time only: about 10 minutes on 2 cores, cached in $kube_dir)"
  local work out
  work="$(new_wrapper_module)"
  out="$work/out"
  mkdir -p "$out"
  (
    cd "$work"
    local kube_mod
    kube_mod="$(go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | sed -n 's/^\s*"GoMod": "\(.*\)",$/\1/p')"
    # k8s.io/kubernetes replaces every staging module with a folder inside its own repository;
    # those replacements do not apply to a dependent module, so point each at its published release.
    local staging
    staging="$(sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$kube_mod")"
    for m in $staging; do
      go mod edit -replace="$m=$m@$KUBERNETES_STAGING_VERSION"
    done
    log "resolving modules"
    run_logged go get "k8s.io/kubernetes/cmd/kube-apiserver@$KUBERNETES_VERSION" \
      "k8s.io/kubernetes/cmd/kube-controller-manager@$KUBERNETES_VERSION" \
      "k8s.io/kubernetes/cmd/kube-scheduler@$KUBERNETES_VERSION" \
      "k8s.io/kubernetes/cmd/kubectl@$KUBERNETES_VERSION"
    for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
      log "compiling $cmd"
      run_logged env CGO_ENABLED=0 go build -v -trimpath -o "$out/$cmd" "k8s.io/kubernetes/cmd/$cmd"
    done
  )
  publish "$out" "$kube_dir"
  rm -rf "$work"
  log "kubernetes binaries ready in $kube_dir"
}

build_etcd() {
  [ -x "$etcd_dir/etcd" ] && return 0
  log "building etcd $ETCD_VERSION from the Go module proxy (first time only: a few minutes)"
  local work out
  work="$(new_wrapper_module)"
  out="$work/out"
  mkdir -p "$out"
  (
    cd "$work"
    # go.etcd.io/etcd/server/v3 holds etcdmain but no main package; this one line is etcd's own main.
    cat >main.go <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
    run_logged go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
    run_logged go mod tidy
    run_logged env CGO_ENABLED=0 go build -v -trimpath -o "$out/etcd" .
  )
  publish "$out" "$etcd_dir"
  rm -rf "$work"
  log "etcd ready in $etcd_dir"
}

build_kwok() {
  [ -x "$kwok_dir/kwok" ] && return 0
  log "building kwok $KWOK_VERSION from the Go module proxy (first time only)"
  local work
  work="$(mktemp -d "$CACHE_DIR/.build-XXXXXX")"
  run_logged env CGO_ENABLED=0 GOBIN="$work" go install -v -trimpath "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  publish "$work" "$kwok_dir"
  log "kwok ready in $kwok_dir"
}

print_env() {
  echo "TEST_ASSET_KUBE_APISERVER=$kube_dir/kube-apiserver"
  echo "TEST_ASSET_KUBE_CONTROLLER_MANAGER=$kube_dir/kube-controller-manager"
  echo "TEST_ASSET_KUBE_SCHEDULER=$kube_dir/kube-scheduler"
  echo "TEST_ASSET_KUBECTL=$kube_dir/kubectl"
  echo "TEST_ASSET_ETCD=$etcd_dir/etcd"
  echo "TEST_ASSET_KWOK=$kwok_dir/kwok"
}

mkdir -p "$CACHE_DIR"
if [ "${1:-}" = "print-env" ]; then
  print_env
  exit 0
fi
# One build at a time per machine: a second caller waits, then finds the binaries in place.
exec 9>"$CACHE_DIR/.lock"
flock 9
build_etcd
build_kwok
build_kubernetes
