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
# `node` builds what the real node of the node suite needs besides: kubelet and kube-proxy
# (k8s.io/kubernetes), containerd and its runc shim (github.com/containerd/containerd/v2) and
# CoreDNS (github.com/coredns/coredns), and installs Debian's runc, CNI plugins and iptables.
#
# Usage: hack/control-plane.sh [node] [print-env]
#   print-env  prints shell assignments (TEST_ASSET_*) for the built binaries.
set -euo pipefail

KUBERNETES_VERSION="${KUBERNETES_VERSION:-v1.37.2}"
# The staging modules (k8s.io/api, ...) that match KUBERNETES_VERSION.
KUBERNETES_STAGING_VERSION="${KUBERNETES_STAGING_VERSION:-v0.${KUBERNETES_VERSION#v1.}}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
CONTAINERD_VERSION="${CONTAINERD_VERSION:-v2.4.2}"
COREDNS_VERSION="${COREDNS_VERSION:-v1.13.1}"
RUNC_VERSION="${RUNC_VERSION:-v1.3.0}"
# The real OpenShift/Kubernetes MCP server of the customer's example, a static binary on npm.
KUBERNETES_MCP_SERVER_VERSION=0.0.67
KUBERNETES_MCP_SERVER_INTEGRITY=sha512-VW5wRdetbJmfCHkCEBA808bgJJRL1GCfkSZ17J+SJJuNiKcvjibcGR32272WKtwd3Td4ZVrOPomExKgCNE16jA==
KWOK_VERSION="${KWOK_VERSION:-v0.8.0}"
CACHE_DIR="${MCP_OPERATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mcp-lifecycle-operator}"
PLATFORM="$(go env GOOS)-$(go env GOARCH)"

# The Kubernetes builds' folders carry a build revision: b2 stamps the version into the binaries,
# as Kubernetes' own build does (servers built without it say v0.0.0, and OLM then refuses every
# CSV with a minKubeVersion).
KUBERNETES_BUILD=b2
kube_dir="$CACHE_DIR/kubernetes-$KUBERNETES_VERSION-$KUBERNETES_BUILD-$PLATFORM"
etcd_dir="$CACHE_DIR/etcd-$ETCD_VERSION-$PLATFORM"
kwok_dir="$CACHE_DIR/kwok-$KWOK_VERSION-$PLATFORM"
node_dir="$CACHE_DIR/kubernetes-node-$KUBERNETES_VERSION-$KUBERNETES_BUILD-$PLATFORM"
containerd_dir="$CACHE_DIR/containerd-$CONTAINERD_VERSION-$PLATFORM"
coredns_dir="$CACHE_DIR/coredns-$COREDNS_VERSION-$PLATFORM"
runc_dir="$CACHE_DIR/runc-$RUNC_VERSION-$PLATFORM"
kms_dir="$CACHE_DIR/kubernetes-mcp-server-$KUBERNETES_MCP_SERVER_VERSION-$PLATFORM"

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
  build_kubernetes_commands "$kube_dir" kube-apiserver kube-controller-manager kube-scheduler kubectl
}

# build_kubernetes_commands DIR CMD... builds k8s.io/kubernetes/cmd/CMD for each CMD into DIR.
build_kubernetes_commands() {
  local dir="$1"
  shift
  [ -x "$dir/$1" ] && return 0
  log "building $* $KUBERNETES_VERSION"
  log "from the Go module proxy (first time only: several minutes on 2 cores, cached in $dir)"
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
    local cmd pkgs=()
    for cmd in "$@"; do pkgs+=("k8s.io/kubernetes/cmd/$cmd@$KUBERNETES_VERSION"); done
    run_logged go get "${pkgs[@]}"
    # What Kubernetes' hack/lib/version.sh stamps, so that /version and --version say the release.
    local minor="${KUBERNETES_VERSION#v1.}" ldflags="" pkg
    minor="${minor%%.*}"
    for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ldflags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
    done
    for cmd in "$@"; do
      log "compiling $cmd"
      run_logged env CGO_ENABLED=0 go build -v -trimpath -ldflags="$ldflags" -o "$out/$cmd" "k8s.io/kubernetes/cmd/$cmd"
    done
  )
  publish "$out" "$dir"
  rm -rf "$work"
  log "$* ready in $dir"
}

# build_go_commands DIR MODULE VERSION PKG... installs each package of MODULE@VERSION into DIR
# (for modules without replace directives, which `go install pkg@version` builds as they are).
build_go_commands() {
  local dir="$1" module="$2" version="$3"
  shift 3
  [ -d "$dir" ] && return 0 # a folder appears only once its build completed
  log "building $module $version ($*) from the Go module proxy (first time only)"
  local work pkg
  work="$(mktemp -d "$CACHE_DIR/.build-XXXXXX")"
  for pkg in "$@"; do
    run_logged env CGO_ENABLED=0 GOBIN="$work" go install -v -trimpath "$module$pkg@$version"
  done
  publish "$work" "$dir"
  log "$module ready in $dir"
}

# install_debian_node_packages installs what the node needs from Debian when it is missing:
# libseccomp's headers (runc links it through cgo), the CNI plugins, iptables, and a static
# busybox (OLM's image carries busybox's cp, which its bundle unpack Jobs run).
install_debian_node_packages() {
  local missing=()
  [ -f /usr/include/seccomp.h ] || missing+=(libseccomp-dev)
  command -v pkg-config >/dev/null || missing+=(pkg-config)
  [ -x /usr/lib/cni/bridge ] || missing+=(containernetworking-plugins)
  command -v iptables >/dev/null || missing+=(iptables)
  dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages ${missing[*]}"
  run_logged apt-get install -y --no-install-recommends "${missing[@]}" ||
    { run_logged apt-get update && run_logged apt-get install -y --no-install-recommends "${missing[@]}"; }
}

# fetch_kubernetes_mcp_server packs kubernetes-mcp-server-linux-amd64 from the npm registry,
# checks it against the integrity npm published for that version, and keeps its binary.
fetch_kubernetes_mcp_server() {
  [ -d "$kms_dir" ] && return 0
  log "fetching kubernetes-mcp-server-linux-amd64@$KUBERNETES_MCP_SERVER_VERSION from the npm registry"
  local work got
  work="$(mktemp -d "$CACHE_DIR/.build-XXXXXX")"
  (cd "$work" && npm pack --silent "kubernetes-mcp-server-linux-amd64@$KUBERNETES_MCP_SERVER_VERSION" >/dev/null)
  got="sha512-$(openssl dgst -sha512 -binary "$work"/*.tgz | base64 -w0)"
  if [ "$got" != "$KUBERNETES_MCP_SERVER_INTEGRITY" ]; then
    log "kubernetes-mcp-server has integrity $got, want $KUBERNETES_MCP_SERVER_INTEGRITY"
    rm -rf "$work"
    return 1
  fi
  mkdir "$work/out"
  tar -xzf "$work"/*.tgz -C "$work" package/bin/kubernetes-mcp-server-linux-amd64
  mv "$work/package/bin/kubernetes-mcp-server-linux-amd64" "$work/out/kubernetes-mcp-server"
  publish "$work/out" "$kms_dir"
  rm -rf "$work"
}

# build_runc builds runc with seccomp (cgo, libseccomp). Debian's runc (1.1) cannot start the
# containers containerd 2 asks for ("can't get final child's PID from pipe").
build_runc() {
  [ -d "$runc_dir" ] && return 0
  log "building runc $RUNC_VERSION from the Go module proxy (first time only)"
  local work
  work="$(mktemp -d "$CACHE_DIR/.build-XXXXXX")"
  run_logged env CGO_ENABLED=1 GOBIN="$work" go install -v -trimpath -tags seccomp "github.com/opencontainers/runc@$RUNC_VERSION"
  publish "$work" "$runc_dir"
  log "runc ready in $runc_dir"
}

build_node() {
  if [ "$(id -u)" != 0 ]; then
    log "not building the real node: it needs root (its suite and make demo NODE=real say so and skip)"
    return 0
  fi
  install_debian_node_packages
  build_runc
  build_kubernetes_commands "$node_dir" kubelet kube-proxy
  build_go_commands "$containerd_dir" github.com/containerd/containerd/v2 "$CONTAINERD_VERSION" \
    /cmd/containerd /cmd/containerd-shim-runc-v2
  build_go_commands "$coredns_dir" github.com/coredns/coredns "$COREDNS_VERSION" ""
  fetch_kubernetes_mcp_server
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
  echo "TEST_ASSET_KUBELET=$node_dir/kubelet"
  echo "TEST_ASSET_KUBE_PROXY=$node_dir/kube-proxy"
  echo "TEST_ASSET_CONTAINERD=$containerd_dir/containerd"
  echo "TEST_ASSET_CONTAINERD_SHIM=$containerd_dir/containerd-shim-runc-v2"
  echo "TEST_ASSET_COREDNS=$coredns_dir/coredns"
  echo "TEST_ASSET_RUNC=$runc_dir/runc"
  echo "TEST_ASSET_KUBERNETES_MCP_SERVER=$kms_dir/kubernetes-mcp-server"
}

mkdir -p "$CACHE_DIR"
node=false
if [ "${1:-}" = "node" ]; then
  node=true
  shift
fi
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
if $node; then
  build_node
fi
