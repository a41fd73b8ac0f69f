# The MCP operator. `make help` lists the targets.

# Version of the operator and its bundle, and the images built from this repository.
VERSION ?= 0.1.0
IMAGE_TAG_BASE ?= quay.io/mcp-operator/mcp-operator
IMG ?= $(IMAGE_TAG_BASE):v$(VERSION)
BUNDLE_IMG ?= $(IMAGE_TAG_BASE)-bundle:v$(VERSION)
CATALOG_IMG ?= $(IMAGE_TAG_BASE)-catalog:v$(VERSION)
CHANNELS ?= alpha
DEFAULT_CHANNEL ?= alpha
SCORECARD_VERSION ?= v1.42.0
CONTAINER_TOOL ?= docker

# Built tools and the test control plane live outside the clone, one folder per tool and
# version, so every clone on this machine reuses them.
CACHE_DIR ?= $(or $(MCP_OPERATOR_CACHE),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/mcp-lifecycle-operator)
export MCP_OPERATOR_CACHE := $(CACHE_DIR)

CONTROLLER_TOOLS_VERSION ?= v0.23.0
CONTROLLER_GEN ?= $(CACHE_DIR)/controller-gen-$(CONTROLLER_TOOLS_VERSION)/controller-gen

# kubectl: the one on PATH, else the one hack/control-plane.sh builds.
KUBECTL ?= $(or $(shell command -v kubectl 2>/dev/null),$(shell hack/control-plane.sh print-env | sed -n 's/^TEST_ASSET_KUBECTL=//p'))

# Every go test run gets the control plane's binary paths (TEST_ASSET_*).
TEST_ENV = $(shell hack/control-plane.sh print-env) $(shell hack/web-assets.sh print-env)
GO_TEST_FLAGS ?= -race -count=1 -timeout 30m

SHELL = /usr/bin/env bash -o pipefail
.SHELLFLAGS = -ec

.PHONY: all
all: build

##@ General

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make <target>\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  %-18s %s\n", $$1, $$2 } /^##@/ { printf "\n%s\n", substr($$0, 5) }' $(MAKEFILE_LIST)

##@ Development

.PHONY: manifests
manifests: controller-gen ## Generate the CRD and RBAC manifests under config/ (and their copies, with the image policy's, in the install chart).
	$(CONTROLLER_GEN) rbac:roleName=manager-role crd paths="./..." output:crd:artifacts:config=config/crd/bases
	cp config/crd/bases/*.yaml helm-charts/mcp-operator/crds/
	cp config/rbac/role.yaml helm-charts/mcp-operator/files/manager-role.yaml
	cp config/admission/image_policy.yaml helm-charts/mcp-operator/files/image-policy.yaml

.PHONY: generate
generate: controller-gen ## Generate the DeepCopy methods of the API types.
	$(CONTROLLER_GEN) object:headerFile="hack/boilerplate.go.txt" paths="./..."

.PHONY: fmt
fmt: ## Run gofmt on the code.
	gofmt -w $$(git ls-files '*.go')

.PHONY: vet
vet: ## Run go vet.
	go vet ./...

.PHONY: fmt-check
fmt-check: ## Fail when a Go file is not gofmt-formatted.
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "not gofmt-formatted (run make fmt): $$unformatted"; exit 1; fi

.PHONY: control-plane
control-plane: ## Build the test control plane (kube-apiserver, etcd, ...) once; about 10 minutes the first time.
	hack/control-plane.sh

.PHONY: node
node: control-plane ## Build the real node (kubelet, kube-proxy, containerd, runc, CoreDNS; Debian's CNI plugins and iptables) once; needs root.
	hack/control-plane.sh node

.PHONY: test
test: control-plane node controller-gen opm olm browser web-assets fmt-check vet ## Run every test, on a real API server and a real node (builds what it needs first).
	env $(TEST_ENV) CONTROLLER_GEN=$(CONTROLLER_GEN) OPM=$(OPM) TEST_ASSET_OLM=$(OLM_DIR) go test $(GO_TEST_FLAGS) ./...
	cd test/prometheus && go vet ./... && go test $(GO_TEST_FLAGS) ./...

##@ Build

.PHONY: build
build: ## Build the manager and the catalog page binaries into bin/.
	go build -o bin/manager .
	go build -o bin/mcp-catalog ./cmd/mcp-catalog

.PHONY: run
run: ## Run the operator from your host against the cluster of your kubeconfig (no conversion webhook: v1beta1 only).
	go run . --health-probe-bind-address=:8081 --webhook-port=-1

.PHONY: docker-build
docker-build: ## Build the operator image (needs a Docker engine).
	docker build -t $(IMG) .

.PHONY: docker-push
docker-push: ## Push the operator image.
	docker push $(IMG)

##@ Deployment

.PHONY: migrate-storage
migrate-storage: ## Rewrite stored MCPServers as v1beta1 and record it as the only stored version (needs the operator running).
	KUBECTL=$(KUBECTL) hack/migrate-storage.sh

.PHONY: install
install: ## Install the CRD into the cluster of your kubeconfig.
	$(KUBECTL) apply --server-side -k config/crd

.PHONY: uninstall
uninstall: ## Remove the CRD (and with it every MCPServer) from the cluster.
	$(KUBECTL) delete --ignore-not-found -k config/crd

.PHONY: deploy
deploy: ## Deploy the operator (image IMG) into the cluster of your kubeconfig.
	$(KUBECTL) kustomize config/default | sed 's#controller:latest#$(IMG)#' | $(KUBECTL) apply --server-side -f -

.PHONY: undeploy
undeploy: ## Remove the operator from the cluster.
	$(KUBECTL) kustomize config/default | $(KUBECTL) delete --ignore-not-found -f -

# NODE: where the demo's pods run: kwok (simulated nodes, no root needed) or real (containers; needs root).
NODE ?= kwok
.PHONY: demo
demo: control-plane $(if $(filter real,$(NODE)),node) ## Start a local control plane, run the operator and the customer's example until Ctrl-C (NODE=real: in containers).
	env $(TEST_ENV) go run ./hack/demo --node=$(NODE)

# BENCH_N: how many MCPServers to measure; BENCH_ARGS: more hack/bench flags (see go run ./hack/bench -h).
# The rolls are measured up to N=1000: rolling 5000 verified servers twice would take an hour more.
BENCH_N ?= 100,1000,5000
BENCH_ARGS ?= -rolls-up-to=1000
.PHONY: bench
bench: control-plane ## Measure the operator with thousands of MCPServers; writes docs/performance.md (over an hour; 45 minutes with BENCH_N=100,1000).
	env $(TEST_ENV) go run ./hack/bench -n $(BENCH_N) $(BENCH_ARGS)

.PHONY: bench-bridge
bench-bridge: ## Measure the stdio bridge: latency per tool call and memory per session (docs/stdio-bridge.md says what was measured).
	go test -run '^$$' -bench ToolCall -benchtime 2000x -count 3 ./internal/stdiobridge/
	go test -run '^$$' -bench SessionMemory -benchtime 1x ./internal/stdiobridge/

.PHONY: interop-docs
interop-docs: node ## Verify the MCP servers of the interop matrix (every protocol revision) and rewrite docs/interop.md.
	env $(TEST_ENV) INTEROP_WRITE_DOCS=1 go test -count=1 ./test/interop/

# CHAOS_ARGS: more hack/chaos flags (see go run ./hack/chaos -h), e.g. -seed to replay a run.
CHAOS_ARGS ?=
.PHONY: chaos
chaos: control-plane ## Kill the operator, kube-apiserver and etcd under load, then check every object; writes docs/reliability.md (about 15 minutes).
	env $(TEST_ENV) go run ./hack/chaos $(CHAOS_ARGS)

##@ OLM packaging

.PHONY: bundle
bundle: manifests ## Generate the OLM bundle (bundle/, bundle.Dockerfile) from config/ and the API.
	go run ./hack/bundle --version $(VERSION) --image $(IMG) --channels $(CHANNELS) \
		--default-channel $(DEFAULT_CHANNEL) --scorecard-version $(SCORECARD_VERSION)

.PHONY: bundle-build
bundle-build: ## Build the bundle image (needs a container engine).
	$(CONTAINER_TOOL) build -f bundle.Dockerfile -t $(BUNDLE_IMG) .

.PHONY: bundle-push
bundle-push: ## Push the bundle image.
	$(CONTAINER_TOOL) push $(BUNDLE_IMG)

.PHONY: scorecard
scorecard: ## Run operator-sdk scorecard (basic and olm suites) against the cluster of your kubeconfig (needs operator-sdk).
	operator-sdk scorecard bundle --selector='suite in (basic,olm)'

.PHONY: build-installer
build-installer: manifests ## Write dist/install.yaml: the whole operator in one manifest, for kubectl apply.
	go run ./hack/installer --image $(IMG) --output dist/install.yaml

.PHONY: catalog
catalog: opm ## Generate and validate the file-based catalog (catalog-source/catalog) from bundle/.
	hack/catalog.sh $(OPM) mcp-operator $(DEFAULT_CHANNEL) $(VERSION) $(BUNDLE_IMG)

.PHONY: catalog-build
catalog-build: opm ## Validate the file-based catalog and build its image (the build needs a container engine).
	$(OPM) validate catalog-source/catalog
	$(CONTAINER_TOOL) build -f catalog-source/catalog.Dockerfile -t $(CATALOG_IMG) catalog-source

.PHONY: catalog-push
catalog-push: ## Push the catalog image.
	$(CONTAINER_TOOL) push $(CATALOG_IMG)

##@ Tools

OPM_VERSION ?= v1.65.0
OPM ?= $(CACHE_DIR)/opm-$(OPM_VERSION)/opm

.PHONY: browser
browser: ## Install Debian's chromium for the catalog's browser tests, when it is missing.
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || hack/install-chromium.sh

.PHONY: web-assets
web-assets: ## Fetch the catalog page's pinned npm packages (PatternFly, axe-core) into the cache.
	hack/web-assets.sh

.PHONY: vendor-patternfly
vendor-patternfly: web-assets ## Vendor the part of PatternFly the catalog page uses into internal/catalog/page/web/vendor.
	go run ./hack/vendor-patternfly -tgz $$(hack/web-assets.sh print-env | sed -n 's/^TEST_ASSET_PATTERNFLY_TGZ=//p')

.PHONY: opm
opm: $(OPM) ## Build opm (operator-registry) into the cache.
$(OPM):
	hack/build-opm.sh $(OPM_VERSION) $(OPM)

OLM_VERSION ?= v0.38.0
OLM_DIR ?= $(CACHE_DIR)/olm-$(OLM_VERSION)

.PHONY: olm
olm: $(OLM_DIR)/olm ## Build operator-lifecycle-manager (its two operators, CRDs and catalog probe) into the cache, for the OLM suite.
$(OLM_DIR)/olm:
	hack/build-olm.sh $(OLM_VERSION) $(OLM_DIR)

.PHONY: controller-gen
controller-gen: $(CONTROLLER_GEN) ## Build controller-gen into the cache.
$(CONTROLLER_GEN):
	$(call go-install-tool,$(CONTROLLER_GEN),sigs.k8s.io/controller-tools/cmd/controller-gen,$(CONTROLLER_TOOLS_VERSION))

# go-install-tool builds package $(2) at version $(3) into a temporary folder beside $(1), then
# moves it into place, so an interrupted build never leaves a half-written tool behind.
define go-install-tool
@mkdir -p "$(CACHE_DIR)"; \
tmp=$$(mktemp -d "$(CACHE_DIR)/.tool-XXXXXX"); \
echo "building $(2)@$(3) into $(dir $(1))"; \
GOBIN="$$tmp" go install "$(2)@$(3)"; \
mkdir -p "$(dir $(1))"; mv "$$tmp/$$(basename $(2))" "$(1)"; rm -rf "$$tmp"
endef
