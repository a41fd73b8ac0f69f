// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package olm

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	operatorsv1 "github.com/operator-framework/api/pkg/operators/v1"
	operatorsv1alpha1 "github.com/operator-framework/api/pkg/operators/v1alpha1"
	appsv1 "k8s.io/api/apps/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/packaging"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/olm"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// TestOLMRefusesTheNamespacedInstallModes: the CSV supports AllNamespaces only, because it
// declares a conversion webhook and OLM manages those for AllNamespaces-only CSVs (one CRD has
// one conversion endpoint for the whole cluster). An admin who picks another mode gets a CSV
// that OLM fails with UnsupportedOperatorGroup and no operator running, not a half install.
func TestOLMRefusesTheNamespacedInstallModes(t *testing.T) {
	ctx := context.Background()
	modes := []struct {
		mode, namespace string
		targets         []string
	}{
		{"OwnNamespace", "mode-own", []string{"mode-own"}},
		{"SingleNamespace", "mode-single", []string{"mode-single-target"}},
		{"MultiNamespace", "mode-multi", []string{"mode-multi-a", "mode-multi-b"}},
	}
	var namespaces []string
	for _, m := range modes {
		for _, name := range append([]string{m.namespace}, m.targets...) {
			if !slices.Contains(namespaces, name) {
				namespaces = append(namespaces, name)
				create(t, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})
			}
		}
		create(t, &operatorsv1.OperatorGroup{ObjectMeta: metav1.ObjectMeta{Name: "mcp-operator", Namespace: m.namespace},
			Spec: operatorsv1.OperatorGroupSpec{TargetNamespaces: m.targets}})
		create(t, shippedSubscription(t, m.namespace))
	}
	defer func() {
		for _, name := range namespaces {
			namespace := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
			_ = lm.Client.Delete(ctx, namespace)
			waitGone(t, namespace, 2*time.Minute)
		}
	}()
	for _, m := range modes {
		t.Run(m.mode, func(t *testing.T) {
			check.Eventually(t, 4*time.Minute, fmt.Sprintf("OLM fails %s in %s", firstCSV, m.namespace), func() (bool, string) {
				healthy(t)
				csv := &operatorsv1alpha1.ClusterServiceVersion{}
				if err := lm.Client.Get(ctx, client.ObjectKey{Namespace: m.namespace, Name: firstCSV}, csv); err != nil {
					return false, err.Error()
				}
				return csv.Status.Phase == operatorsv1alpha1.CSVPhaseFailed &&
						csv.Status.Reason == operatorsv1alpha1.CSVReasonUnsupportedOperatorGroup,
					fmt.Sprintf("%s %s: %s", csv.Status.Phase, csv.Status.Reason, csv.Status.Message)
			})
			deployments := &appsv1.DeploymentList{}
			if err := lm.Client.List(ctx, deployments, client.InNamespace(m.namespace)); err != nil {
				t.Fatal(err)
			}
			if len(deployments.Items) != 0 {
				t.Errorf("OLM refused the CSV yet %d Deployments run in %s", len(deployments.Items), m.namespace)
			}
		})
	}
}

// TestAllNamespacesInstall: catalog-source's OperatorGroup and Subscription, applied as shipped,
// install the operator from its image with the permissions OLM grants from the CSV, OLM wires
// the conversion webhook, and the customer's example becomes Ready.
func TestAllNamespacesInstall(t *testing.T) {
	start := time.Now()
	kubectl(t, "apply", "--server-side", "-f", "catalog-source/operatorgroup.yaml")
	kubectl(t, "apply", "--server-side", "-f", "catalog-source/subscription.yaml")
	csv := waitSubscribed(t, operatorNamespace, firstCSV, 5*time.Minute)
	manager := managerSpec(t, csv)
	t.Logf("Subscription to CSV Succeeded in %s", time.Since(start).Round(time.Second))
	for _, name := range []string{managerName, catalogPageName} {
		if err := bed.WaitAvailable(context.Background(), operatorNamespace, name, 3*time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	// The customer applies the example as v1alpha1: that waits for the webhook's endpoint too.
	if err := bed.WaitConverting(context.Background(), time.Minute); err != nil {
		t.Fatal(err)
	}

	t.Run("the operator runs from the CSV's image", func(t *testing.T) {
		want := manager.Containers[0].Image
		pods := operatorPods(t)
		if len(pods) == 0 {
			t.Fatal("no operator pod runs")
		}
		for _, p := range pods {
			if got := p.Spec.Containers[0].Image; got != want {
				t.Errorf("pod %s runs %s, want the CSV's %s", p.Name, got, want)
			}
			if p.Status.ContainerStatuses[0].ImageID == "" {
				t.Errorf("pod %s reports no image ID", p.Name)
			}
		}
	})

	t.Run("OLM granted the CSV's permissions and no more", func(t *testing.T) {
		sa := manager.ServiceAccountName
		user := fmt.Sprintf("system:serviceaccount:%s:%s", operatorNamespace, sa)
		for _, c := range []struct {
			attrs   authorizationv1.ResourceAttributes
			allowed bool
		}{
			{authorizationv1.ResourceAttributes{Namespace: "default", Verb: "watch", Group: "mcp.x-k8s.io", Resource: "mcpservers"}, true},
			{authorizationv1.ResourceAttributes{Namespace: "default", Verb: "patch", Group: "apps", Resource: "deployments"}, true},
			{authorizationv1.ResourceAttributes{Namespace: operatorNamespace, Verb: "update", Group: "coordination.k8s.io", Resource: "leases"}, true},
			{authorizationv1.ResourceAttributes{Verb: "delete", Resource: "nodes"}, false},
			{authorizationv1.ResourceAttributes{Verb: "create", Group: "rbac.authorization.k8s.io", Resource: "clusterrolebindings"}, false},
		} {
			review := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{User: user, ResourceAttributes: &c.attrs}}
			if err := lm.Client.Create(context.Background(), review); err != nil {
				t.Fatal(err)
			}
			if review.Status.Allowed != c.allowed {
				t.Errorf("%s may %s %s/%s in %q: %v, want %v", sa, c.attrs.Verb, c.attrs.Group, c.attrs.Resource, c.attrs.Namespace, review.Status.Allowed, c.allowed)
			}
		}
		bindings := boundBy(t, operatorNamespace, sa)
		if len(bindings) == 0 {
			t.Fatal("no binding grants the operator's ServiceAccount anything")
		}
		// OLM labels what it grants from the CSV with the CSV (olm.owner), and what it adds for
		// the webhook's certificate (reading it, and kube-system's authentication config) as
		// its own (olm.managed).
		for name, labels := range bindings {
			if labels["olm.owner"] != firstCSV && labels["olm.managed"] != "true" {
				t.Errorf("%s binds the operator's ServiceAccount and is not OLM's (labels %v)", name, labels)
			}
		}
	})

	t.Run("OLM wired the conversion webhook and both versions are served", func(t *testing.T) {
		checkConversion(t)
	})

	t.Run("the customer's example is Ready", func(t *testing.T) {
		kubectl(t, "label", "--overwrite", "namespace", exampleNamespace, "pod-security.kubernetes.io/enforce=restricted")
		kubectl(t, "apply", "--server-side", "-f", "config/samples/openshift-mcp-server.yaml")
		waitReady(t, 4*time.Minute)
		t.Logf("the example is Ready %s after the Subscription", time.Since(start).Round(time.Second))
	})

	t.Run("the alerts' metrics are exported", func(t *testing.T) {
		check.Eventually(t, time.Minute, "the leader exports the example's Ready gauge and valid admin values", func() (bool, string) {
			ready, valid := 0.0, 0.0
			for _, p := range operatorPods(t) {
				m, err := bed.OperatorMetrics(context.Background(), p)()
				if err != nil {
					return false, err.Error()
				}
				ready, valid = max(ready, m["mcp_operator_mcpserver_ready"]), max(valid, m["mcp_operator_admin_values_valid"])
			}
			return ready == 1 && valid == 1, fmt.Sprintf("mcp_operator_mcpserver_ready %v, mcp_operator_admin_values_valid %v", ready, valid)
		})
	})

	t.Run("no monitoring objects where the cluster has no monitoring API", func(t *testing.T) {
		if _, err := runKubectl(context.Background(), "get", "servicemonitors", "-A"); err == nil {
			t.Fatal("the cluster serves ServiceMonitors before the suite installs their CRD")
		}
		check.Eventually(t, time.Minute, "the leader's log says it skipped its ServiceMonitor", func() (bool, string) {
			var last string
			for _, p := range operatorPods(t) {
				logs, err := bed.Cluster.Node.ContainerLog(p.Namespace, p.Name, p.UID, "manager")
				if err != nil {
					return false, err.Error()
				}
				if strings.Contains(logs, "monitoring.coreos.com/v1 is not served") {
					return true, ""
				}
				last = lastLines(logs, 10)
			}
			return false, last
		})
	})
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// TestUpgradeAlongTheChannel: the next version, a bundle of this repository's at 0.1.1 that
// replaces 0.1.0, reaches the cluster in a new catalog image; OLM upgrades the operator, the
// example reads as Ready in both versions throughout, and its pods are not restarted.
func TestUpgradeAlongTheChannel(t *testing.T) {
	requireReady(t)
	const next, nextVersion = "mcp-operator.v0.1.1", "0.1.1"
	image := strings.TrimSuffix(bed.OperatorImage, ":v0.1.0") + ":v" + nextVersion
	if err := bed.Registry.Tag(bed.OperatorImage, image); err != nil {
		t.Fatal(err)
	}
	catalogRef := nextCatalog(t, nextVersion, image)
	before := servingState(t)
	// The monitoring API appears before the upgrade: the new version's operator applies its
	// ServiceMonitor and PrometheusRule when it starts.
	kubectl(t, "apply", "--server-side", "-f", "test/olm/testdata/monitoring-crds.yaml")

	start := time.Now()
	stop := watchReady(context.Background())
	kubectl(t, "patch", "catalogsource", "-n", olm.CatalogNamespace, "mcp-operator-catalog", "--type=merge",
		"-p", fmt.Sprintf(`{"spec":{"image":%q}}`, catalogRef))
	csv := waitSubscribed(t, operatorNamespace, next, 6*time.Minute)
	// OLM reuses the old CSV's webhook certificate for the new one, then rotates it
	// (NeedsCertRotation) and rolls the operator again; the upgrade is over when it has.
	check.Eventually(t, 4*time.Minute, "OLM's certificate for the new CSV, and the operator rolled onto it", func() (bool, string) {
		healthy(t)
		if err := lm.Client.Get(context.Background(), client.ObjectKeyFromObject(csv), csv); err != nil {
			return false, err.Error()
		}
		if csv.Status.CertsLastUpdated == nil || csv.Status.Phase != operatorsv1alpha1.CSVPhaseSucceeded {
			return false, fmt.Sprintf("CSV %s (%s), certificate last updated %v", csv.Status.Phase, csv.Status.Reason, csv.Status.CertsLastUpdated)
		}
		d := &appsv1.Deployment{}
		if err := lm.Client.Get(context.Background(), client.ObjectKey{Namespace: operatorNamespace, Name: managerName}, d); err != nil {
			return false, err.Error()
		}
		want := ptr.Deref(d.Spec.Replicas, 1)
		return d.Status.ObservedGeneration == d.Generation && d.Status.UpdatedReplicas == want && d.Status.Replicas == want &&
				d.Status.AvailableReplicas == want,
			fmt.Sprintf("Deployment: %d replicas, %d updated, %d available, want %d", d.Status.Replicas, d.Status.UpdatedReplicas, d.Status.AvailableReplicas, want)
	})
	waitGone(t, &operatorsv1alpha1.ClusterServiceVersion{ObjectMeta: metav1.ObjectMeta{Namespace: operatorNamespace, Name: firstCSV}}, 3*time.Minute)
	if err := bed.WaitAvailable(context.Background(), operatorNamespace, managerName, 3*time.Minute); err != nil {
		t.Fatal(err)
	}
	check.Eventually(t, 3*time.Minute, "every operator pod on the new image", func() (bool, string) {
		var images []string
		for _, p := range operatorPods(t) {
			images = append(images, p.Spec.Containers[0].Image)
		}
		return len(images) > 0 && !slices.ContainsFunc(images, func(s string) bool { return s != image }), fmt.Sprint(images)
	})
	// OLM rotates the webhook's certificate after an upgrade (NeedsCertRotation) and rolls the
	// operator again; v1alpha1 reads work again once the new pods serve it.
	waitReady(t, 3*time.Minute)
	reads, stored, converted := stop()
	t.Logf("upgraded to %s in %s; %d reads of the example in each version meanwhile", next, time.Since(start).Round(time.Second), reads)
	if len(stored) > 0 {
		t.Errorf("%d of %d v1beta1 reads during the upgrade did not read Ready: %s", len(stored), reads, strings.Join(stored[:min(len(stored), 5)], "; "))
	}
	// v1alpha1 reads go through the conversion webhook, which OLM takes away twice during an
	// upgrade (known and documented: the CRD update from the bundle resets the conversion to
	// None until OLM wires the webhook again, and the certificate rotation changes the CA before
	// the pods serve the new certificate). Measured, not failed.
	t.Logf("%d of %d v1alpha1 reads did not read Ready during the upgrade; first: %s", len(converted), reads,
		strings.Join(converted[:min(len(converted), 3)], "; "))
	if after := servingState(t); after != before {
		t.Errorf("the upgrade rolled the example:\nbefore %s\nafter  %s", before, after)
	}
	checkConversion(t)
	checkMonitoring(t)
}

// checkMonitoring: the operator applied its ServiceMonitor, selecting its metrics Service, and
// its PrometheusRule, both owned by that Service.
func checkMonitoring(t *testing.T) {
	t.Helper()
	const service = "mcp-operator-controller-manager-metrics-service"
	svc := &corev1.Service{}
	if err := lm.Client.Get(context.Background(), client.ObjectKey{Namespace: operatorNamespace, Name: service}, svc); err != nil {
		t.Fatal(err)
	}
	check.Eventually(t, 2*time.Minute, "the operator's ServiceMonitor and PrometheusRule", func() (bool, string) {
		for _, kind := range []string{"servicemonitor/mcp-operator-metrics", "prometheusrule/mcp-operator-alerts"} {
			out, err := runKubectl(context.Background(), "get", "-n", operatorNamespace, kind,
				"-o", "jsonpath={.metadata.ownerReferences[0].uid} {.spec.selector.matchLabels.control-plane}{.spec.groups[0].rules[0].alert}")
			if err != nil {
				return false, err.Error()
			}
			if want := string(svc.UID) + " "; !strings.HasPrefix(out, want) || strings.TrimPrefix(out, want) == "" {
				return false, fmt.Sprintf("%s: %q, want owned by the Service (%s) and its content", kind, out, svc.UID)
			}
		}
		return true, ""
	})
}

// TestUninstallKeepsServersAndReinstallAdoptsThem: deleting the Subscription and the CSV removes
// the operator and leaves the CRD, the MCPServers and their running servers (OLM's default);
// subscribing again brings the operator back, and it takes the servers over without a rollout.
func TestUninstallKeepsServersAndReinstallAdoptsThem(t *testing.T) {
	requireReady(t)
	ctx := context.Background()
	before := servingState(t)
	sub := &operatorsv1alpha1.Subscription{}
	if err := lm.Client.Get(ctx, client.ObjectKey{Namespace: operatorNamespace, Name: subscriptionName}, sub); err != nil {
		t.Fatal(err)
	}
	installed := sub.Status.InstalledCSV
	kubectl(t, "delete", "subscription", "-n", operatorNamespace, subscriptionName)
	kubectl(t, "delete", "clusterserviceversion", "-n", operatorNamespace, installed)
	waitGone(t, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: operatorNamespace, Name: managerName}}, 3*time.Minute)
	check.Eventually(t, 2*time.Minute, "the ServiceMonitor and PrometheusRule gone with the metrics Service", func() (bool, string) {
		out, err := runKubectl(context.Background(), "get", "-n", operatorNamespace, "servicemonitors,prometheusrules", "-o", "name")
		return err == nil && strings.TrimSpace(out) == "", out
	})

	if err := lm.Client.Get(ctx, client.ObjectKey{Name: "mcpservers.mcp.x-k8s.io"}, &apiextensionsv1.CustomResourceDefinition{}); err != nil {
		t.Fatalf("the CRD after uninstall: %v", err)
	}
	s := &mcpv1beta1.MCPServer{}
	if err := bed.Cluster.Client.Get(ctx, client.ObjectKey{Namespace: exampleNamespace, Name: exampleName}, s); err != nil {
		t.Fatalf("the example after uninstall: %v", err)
	}
	if after := servingState(t); after != before {
		t.Errorf("uninstalling touched the example's server:\nbefore %s\nafter  %s", before, after)
	}
	// The conversion webhook's Service goes with the CSV: v1alpha1 reads fail until the operator
	// is back; v1beta1, the stored version, needs no conversion.
	t.Logf("with the operator gone, a v1alpha1 read says: %s", or(readinessV1alpha1(ctx), "Ready"))
	if problem := readinessV1beta1(ctx); problem != "" {
		t.Errorf("with the operator gone, the example's last status is not Ready: %s", problem)
	}

	start := time.Now()
	kubectl(t, "apply", "--server-side", "-f", "catalog-source/subscription.yaml")
	waitSubscribed(t, operatorNamespace, installed, 5*time.Minute)
	if err := bed.WaitAvailable(ctx, operatorNamespace, managerName, 3*time.Minute); err != nil {
		t.Fatal(err)
	}
	waitReady(t, 2*time.Minute)
	t.Logf("reinstalled %s in %s", installed, time.Since(start).Round(time.Second))
	if after := servingState(t); after != before {
		t.Errorf("the reinstalled operator rolled the example:\nbefore %s\nafter  %s", before, after)
	}
	checkConversion(t)
}

// managerSpec is the pod spec of the operator's Deployment in a CSV.
func managerSpec(t *testing.T, csv *operatorsv1alpha1.ClusterServiceVersion) corev1.PodSpec {
	t.Helper()
	for _, d := range csv.Spec.InstallStrategy.StrategySpec.DeploymentSpecs {
		if d.Name == managerName {
			return d.Spec.Template.Spec
		}
	}
	t.Fatalf("the CSV deploys no %s", managerName)
	return corev1.PodSpec{}
}

func or(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

// requireReady stops a test whose starting point, the example Ready, an earlier test did not
// reach.
func requireReady(t *testing.T) {
	t.Helper()
	if problem := readiness(context.Background()); problem != "" {
		t.Fatalf("the example is not Ready (%s): an earlier test failed", problem)
	}
}

// shippedSubscription is catalog-source/subscription.yaml, into another namespace.
func shippedSubscription(t *testing.T, namespace string) *operatorsv1alpha1.Subscription {
	t.Helper()
	objects, err := testenv.DecodeManifests(filepath.Join(testenv.RepoRoot(), "catalog-source", "subscription.yaml"))
	if err != nil || len(objects) != 1 {
		t.Fatalf("catalog-source/subscription.yaml: %d objects, %v", len(objects), err)
	}
	sub := &operatorsv1alpha1.Subscription{}
	if err := k8sruntime.DefaultUnstructuredConverter.FromUnstructured(objects[0].Object, sub); err != nil {
		t.Fatal(err)
	}
	sub.Namespace = namespace
	return sub
}

func create(t *testing.T, obj client.Object) {
	t.Helper()
	if err := lm.Client.Create(context.Background(), obj); err != nil {
		t.Fatalf("creating %T %s/%s: %v", obj, obj.GetNamespace(), obj.GetName(), err)
	}
}

// boundBy returns the RoleBindings and ClusterRoleBindings that name a ServiceAccount, with
// their labels.
func boundBy(t *testing.T, namespace, sa string) map[string]map[string]string {
	t.Helper()
	names := func(subjects []rbacv1.Subject) bool {
		return slices.ContainsFunc(subjects, func(s rbacv1.Subject) bool {
			return s.Kind == rbacv1.ServiceAccountKind && s.Name == sa && s.Namespace == namespace
		})
	}
	out := map[string]map[string]string{}
	crbs := &rbacv1.ClusterRoleBindingList{}
	rbs := &rbacv1.RoleBindingList{}
	if err := lm.Client.List(context.Background(), crbs); err != nil {
		t.Fatal(err)
	}
	if err := lm.Client.List(context.Background(), rbs); err != nil {
		t.Fatal(err)
	}
	for _, b := range crbs.Items {
		if names(b.Subjects) {
			out["ClusterRoleBinding "+b.Name] = b.Labels
		}
	}
	for _, b := range rbs.Items {
		if names(b.Subjects) {
			out["RoleBinding "+b.Namespace+"/"+b.Name] = b.Labels
		}
	}
	return out
}

// checkConversion: the CRD's conversion goes to the operator's Service in its namespace with a
// CA bundle, and MCPServers list in both versions.
func checkConversion(t *testing.T) {
	t.Helper()
	// OLM's two operators take turns on the CRD: the catalog operator's update from the bundle
	// resets the conversion to None, the OLM operator wires its webhook again (README), so the
	// wiring is waited for, not read once.
	check.Eventually(t, time.Minute, "OLM's conversion webhook on the CRD", func() (bool, string) {
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := lm.Client.Get(context.Background(), client.ObjectKey{Name: "mcpservers.mcp.x-k8s.io"}, crd); err != nil {
			return false, err.Error()
		}
		conv := crd.Spec.Conversion
		wired := conv != nil && conv.Strategy == apiextensionsv1.WebhookConverter && conv.Webhook != nil && conv.Webhook.ClientConfig != nil &&
			conv.Webhook.ClientConfig.Service != nil && conv.Webhook.ClientConfig.Service.Namespace == operatorNamespace &&
			len(conv.Webhook.ClientConfig.CABundle) > 0
		return wired, fmt.Sprintf("the CRD's conversion is %+v, want OLM's webhook to the operator's Service in %s with a CA bundle", conv, operatorNamespace)
	})
	for _, list := range []client.ObjectList{&mcpv1alpha1.MCPServerList{}, &mcpv1beta1.MCPServerList{}} {
		if err := bed.Cluster.Client.List(context.Background(), list); err != nil {
			t.Errorf("listing %T: %v", list, err)
		}
	}
}

// nextCatalog builds this repository's bundle at another version, writes a catalog whose alpha
// channel goes from 0.1.0 to it (replaces and skipRange, as hack/catalog.sh writes entries),
// validates it with opm, stores its image, and returns the image's reference.
func nextCatalog(t *testing.T, version, image string) string {
	t.Helper()
	dir := t.TempDir()
	files, err := packaging.Generate(packaging.Options{
		Root: testenv.RepoRoot(), Package: packageName, Version: version, Channels: []string{"alpha"},
		DefaultChannel: "alpha", Image: image, ScorecardVersion: "v1.42.0",
	})
	if err != nil {
		t.Fatal(err)
	}
	for p, content := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	catalog := fmt.Sprintf(`---
schema: olm.package
name: %[1]s
defaultChannel: alpha
---
schema: olm.channel
package: %[1]s
name: alpha
entries:
  - name: %[1]s.v0.1.0
    skipRange: '<0.1.0'
  - name: %[1]s.v%[2]s
    replaces: %[1]s.v0.1.0
    skipRange: '<%[2]s'
`, packageName, version)
	catalog += render(t, filepath.Join(testenv.RepoRoot(), "bundle"), bundleImage("0.1.0"))
	catalog += render(t, filepath.Join(dir, "bundle"), bundleImage(version))
	catalogDir := filepath.Join(dir, "catalog")
	if err := os.MkdirAll(filepath.Join(catalogDir, packageName), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(catalogDir, packageName, "catalog.yaml"), []byte(catalog), 0o644); err != nil {
		t.Fatal(err)
	}
	opm(t, "validate", catalogDir)
	if err := pushBundle(bundleImage(version), filepath.Join(dir, "bundle")); err != nil {
		t.Fatal(err)
	}
	ref := "quay.io/mcp-operator/mcp-operator-catalog:v" + version
	if err := pushCatalog(ref, catalogDir); err != nil {
		t.Fatal(err)
	}
	return ref
}

// render is `opm render` of a bundle folder, naming its bundle image.
func render(t *testing.T, bundleDir, image string) string {
	t.Helper()
	out := opm(t, "render", bundleDir, "-o", "yaml")
	return "---\n" + strings.Replace(out, `image: ""`, "image: "+image, 1)
}

func opm(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(os.Getenv("OPM"), args...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("opm %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
