#!/usr/bin/env bash
# Migrates stored MCPServers to v1beta1, then records v1beta1 as the only stored version of the
# CRD (the step Kubernetes leaves to whoever migrates). The conversion webhook (the operator)
# must serve throughout: every object is read and written back through it.
#   KUBECTL   kubectl to use (default: kubectl)
#   MIGRATION the StorageVersionMigration manifest (default: the in-tree one, Kubernetes 1.37+;
#             config/storage-migration/openshift/... on OpenShift)
#   TIMEOUT   how long to wait for the migration (default: 10m)
set -euo pipefail
cd "$(dirname "$0")/.."
KUBECTL=${KUBECTL:-kubectl}
MIGRATION=${MIGRATION:-config/storage-migration/storage_version_migration.yaml}
TIMEOUT=${TIMEOUT:-10m}
name=$("$KUBECTL" create --dry-run=client -o jsonpath='{.metadata.name}' -f "$MIGRATION")
kind=$("$KUBECTL" create --dry-run=client -o jsonpath='{.kind}' -f "$MIGRATION")
group=$("$KUBECTL" create --dry-run=client -o jsonpath='{.apiVersion}' -f "$MIGRATION")
resource="storageversionmigrations.${group%%/*}/$name"
# A migration runs once: one left from an earlier run is replaced.
"$KUBECTL" delete --ignore-not-found "$resource" >/dev/null
"$KUBECTL" create -f "$MIGRATION"
echo "waiting for $kind $name to succeed (timeout $TIMEOUT)"
"$KUBECTL" wait --for=condition=Succeeded --timeout="$TIMEOUT" "$resource"
"$KUBECTL" patch customresourcedefinition mcpservers.mcp.x-k8s.io --subresource=status --type=merge \
  -p '{"status":{"storedVersions":["v1beta1"]}}'
echo "MCPServers are stored as v1beta1 only"
