// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package rbac holds the operator's RBAC to an explicit allow-list: every rule of every role
// the install manifests, the Helm chart and the CSV grant the operator and its catalog page is
// checked against it, so that a permission cannot grow without someone writing down why.
package rbac

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// allowed maps "apiGroup/resource" to the verbs the operator may have there, and why.
var allowed = map[string]struct {
	verbs []string
	why   string
}{
	"mcp.x-k8s.io/mcpservers":               {[]string{"get", "list", "watch"}, "the resource it reconciles"},
	"mcp.x-k8s.io/mcpservers/status":        {[]string{"get", "patch"}, "it reports status with merge patches"},
	"mcp.x-k8s.io/mcpservers/finalizers":    {[]string{"update"}, "owner references that block owner deletion need it on OpenShift"},
	"route.openshift.io/routes/custom-host": {[]string{"create"}, "a Route with spec.host"},
	"gateway.networking.k8s.io/gateways":    {[]string{"get"}, "spec.gateway: the Gateway's listeners and addresses make the public URL"},
	"/pods":                                 {[]string{"get", "list", "watch"}, "to explain why pods are not available (cached: labelled MCP server pods only, spec dropped)"},
	"/pods/status":                          {[]string{"patch"}, "verified rollouts: it sets its readiness gate mcp.x-k8s.io/verified on MCP server pods (a strategic merge patch of that one condition)"},
	"apps/replicasets":                      {[]string{"get", "list"}, "verified rollouts: the newest revision's pod-template-hash, and the verified revision's pod template to roll back to (read during rollouts only, not cached)"},
	"admissionregistration.k8s.io/validatingadmissionpolicies": {[]string{"create", "get", "patch"},
		"--install-image-policy (OLM): it installs the MCPServer image policy itself; get and patch by name only"},
	"admissionregistration.k8s.io/validatingadmissionpolicybindings": {[]string{"create", "get", "patch"},
		"--install-image-policy (OLM): the image policy's binding; get and patch by name only"},
	"/configmaps": {[]string{"get", "list", "watch", "create"},
		"referenced ConfigMaps: a metadata-only watch notices changes; data is read with get only for referenced ones, to digest it; " +
			"create only in its own namespace, the image policy's parameters (--install-image-policy)"},
	"/secrets": {[]string{"get", "list", "watch"},
		"referenced Secrets, as ConfigMaps: list and watch are metadata only (the cache holds no Secret data), so a changed " +
			"Secret rolls the pods that use it without the operator holding any Secret in memory"},
	"/serviceaccounts":           {[]string{"get", "list", "watch"}, "metadata only: a server's ServiceAccount must exist before pods are rolled out"},
	"events.k8s.io/events":       {[]string{"create", "patch"}, "events on MCPServers"},
	"/events":                    {[]string{"create", "patch"}, "leader election's events"},
	"coordination.k8s.io/leases": {[]string{"get", "list", "watch", "create", "update", "patch", "delete"}, "leader election"},
	"monitoring.coreos.com/servicemonitors": {[]string{"get", "create", "patch"},
		"--metrics-service: it applies its own ServiceMonitor in its own namespace (a Role)"},
	"monitoring.coreos.com/prometheusrules": {[]string{"get", "create", "patch"},
		"--metrics-service: it applies its own alerts in its own namespace (a Role)"},
	"authentication.k8s.io/tokenreviews":        {[]string{"create"}, "authenticating scrapers of the metrics endpoint"},
	"authorization.k8s.io/subjectaccessreviews": {[]string{"create"}, "authorizing scrapers of the metrics endpoint"},
}

// managedVerbs are what the operator does to the kinds the chart renders: it reads them from its
// cache, applies them server-side (create and patch) and prunes them.
var managedVerbs = []string{"get", "list", "watch", "create", "patch", "delete"}

// The kinds the chart renders come from render's table, so a new managed kind is allowed
// exactly its verbs and nothing else needs listing here.
func init() {
	for _, kind := range render.Managed {
		allowed[kind.GVK.Group+"/"+kind.Resource] = struct {
			verbs []string
			why   string
		}{managedVerbs, "the chart renders " + kind.GVK.Kind + "s: cached, server-side applied and pruned"}
	}
}

// forbiddenVerbs would let the operator grant itself or others more than it has.
var forbiddenVerbs = []string{"*", "escalate", "bind", "impersonate"}

// grantedRoles lists, per source, the roles that are granted to the operator's and the catalog's
// service accounts (the roles for MCPServer users, editor and viewer, are not the operator's).
func grantedRoles(t *testing.T) map[string][]rbacv1.PolicyRule {
	root := testenv.RepoRoot()
	sources := map[string][]rbacv1.PolicyRule{}
	for _, file := range []string{
		"config/rbac/role.yaml", "config/rbac/leader_election_role.yaml", "config/rbac/metrics_auth_role.yaml",
		"config/catalog/role.yaml", "helm-charts/mcp-operator/files/manager-role.yaml",
	} {
		for _, obj := range check.ReadManifests(t, filepath.Join(root, file)) {
			if obj.GetKind() != "ClusterRole" && obj.GetKind() != "Role" {
				continue
			}
			if obj.GetName() == "metrics-reader" { // for scrapers, not for the operator
				continue
			}
			sources[file+" "+obj.GetName()] = rulesOf(t, obj.Object["rules"])
		}
	}
	for _, csv := range check.ReadManifests(t, filepath.Join(root, "bundle/manifests/mcp-operator.clusterserviceversion.yaml")) {
		for _, field := range []string{"permissions", "clusterPermissions"} {
			perms, _, _ := unstructured.NestedSlice(csv.Object, "spec", "install", "spec", field)
			for _, p := range perms {
				m := p.(map[string]any)
				sources[fmt.Sprintf("CSV %s for %s", field, m["serviceAccountName"])] = rulesOf(t, m["rules"])
			}
		}
	}
	if len(sources) < 6 {
		t.Fatalf("found only %d roles to check: %v", len(sources), keys(sources))
	}
	return sources
}

func rulesOf(t *testing.T, raw any) []rbacv1.PolicyRule {
	t.Helper()
	var rules []rbacv1.PolicyRule
	list, _ := raw.([]any)
	for _, r := range list {
		var rule rbacv1.PolicyRule
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(r.(map[string]any), &rule); err != nil {
			t.Fatal(err)
		}
		rules = append(rules, rule)
	}
	return rules
}

func TestOperatorRBACIsOnTheAllowList(t *testing.T) {
	for source, rules := range grantedRoles(t) {
		for _, rule := range rules {
			if len(rule.NonResourceURLs) > 0 {
				t.Errorf("%s: unexpected rule %+v", source, rule)
				continue
			}
			// resourceNames narrow a rule (the image policy's get and patch); list, watch and
			// create cannot be narrowed so, and a rule that pretends to is a mistake.
			if len(rule.ResourceNames) > 0 && (slices.Contains(rule.Verbs, "list") || slices.Contains(rule.Verbs, "watch") || slices.Contains(rule.Verbs, "create")) {
				t.Errorf("%s: resourceNames do not limit %v: %+v", source, rule.Verbs, rule)
			}
			for _, verb := range rule.Verbs {
				if slices.Contains(forbiddenVerbs, verb) {
					t.Errorf("%s: verb %q on %v", source, verb, rule.Resources)
				}
			}
			for _, group := range rule.APIGroups {
				for _, resource := range rule.Resources {
					key := group + "/" + resource
					if group == "*" || resource == "*" || strings.Contains(resource, "*") {
						t.Errorf("%s: wildcard %s", source, key)
						continue
					}
					allow, ok := allowed[key]
					if !ok {
						t.Errorf("%s: %s is not on the allow-list", source, key)
						continue
					}
					for _, verb := range rule.Verbs {
						if !slices.Contains(allow.verbs, verb) {
							t.Errorf("%s: %s %s is not on the allow-list (allowed: %v, because %s)", source, verb, key, allow.verbs, allow.why)
						}
					}
				}
			}
		}
	}
}

// TestCatalogServiceAccountOnlyReadsCatalogSources: the catalog page acts with each user's
// token; its own service account may read ConfigMaps in its namespace and nothing else.
func TestCatalogServiceAccountOnlyReadsCatalogSources(t *testing.T) {
	for source, rules := range grantedRoles(t) {
		if !strings.Contains(source, "catalog") {
			continue
		}
		want := []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get", "list", "watch"}}}
		if fmt.Sprint(rules) != fmt.Sprint(want) {
			t.Errorf("%s grants %+v, want only reading ConfigMaps", source, rules)
		}
	}
}

func keys[V any](m map[string]V) []string {
	k := make([]string, 0, len(m))
	for key := range m {
		k = append(k, key)
	}
	sort.Strings(k)
	return k
}

// TestEveryManagedKindIsGranted: the operator's role (from the RBAC markers) grants every kind
// of render's table each verb it needs; a kind added to the chart without RBAC fails here.
func TestEveryManagedKindIsGranted(t *testing.T) {
	granted := map[string][]string{}
	for _, rule := range grantedRoles(t)["config/rbac/role.yaml manager-role"] {
		for _, group := range rule.APIGroups {
			for _, resource := range rule.Resources {
				granted[group+"/"+resource] = append(granted[group+"/"+resource], rule.Verbs...)
			}
		}
	}
	if len(granted) == 0 {
		t.Fatal("config/rbac/role.yaml has no manager-role rules")
	}
	for _, kind := range render.Managed {
		key := kind.GVK.Group + "/" + kind.Resource
		for _, verb := range managedVerbs {
			if !slices.Contains(granted[key], verb) {
				t.Errorf("the operator may not %s %s, a kind the chart renders: add the +kubebuilder:rbac marker", verb, key)
			}
		}
	}
}
