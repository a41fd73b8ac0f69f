// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package helm checks the Helm chart that installs the operator: it renders, applies to a real
// API server, and its admin values reach the objects the operator renders for MCP servers.
package helm

import (
	"context"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	helmcharts "github.com/mcp-operator/mcp-operator/helm-charts"
	"github.com/mcp-operator/mcp-operator/internal/adminvalues"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

const namespace = "mcp-operator-system"

// helmTemplate renders the install chart as `helm template mcp-operator helm-charts/mcp-operator
// -n mcp-operator-system -f values` would.
func helmTemplate(t *testing.T, valuesYAML string) []*unstructured.Unstructured {
	t.Helper()
	chrt, err := loader.Load(filepath.Join(testenv.RepoRoot(), "helm-charts", "mcp-operator"))
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]any{}
	if err := yaml.Unmarshal([]byte(valuesYAML), &values); err != nil {
		t.Fatal(err)
	}
	renderValues, err := chartutil.ToRenderValues(chrt, values, chartutil.ReleaseOptions{Name: "mcp-operator", Namespace: namespace, IsInstall: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	manifests, err := engine.Render(chrt, renderValues)
	if err != nil {
		t.Fatalf("rendering the chart: %v", err)
	}
	files := make([]string, 0, len(manifests))
	for f := range manifests {
		files = append(files, f)
	}
	sort.Strings(files)
	var objs []*unstructured.Unstructured
	for _, f := range files {
		for _, doc := range strings.Split(manifests[f], "\n---") {
			obj := map[string]any{}
			if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if len(obj) > 0 {
				objs = append(objs, &unstructured.Unstructured{Object: obj})
			}
		}
	}
	return objs
}

// TestInstallChartAppliesAndCarriesAdminValues installs the chart's objects on a real API server
// with an admin override, checks the manager Deployment, and renders an MCP server with the
// admin values the chart wrote, as the operator would.
func TestInstallChartAppliesAndCarriesAdminValues(t *testing.T) {
	env, err := testenv.Start(testenv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = env.Stop() }()
	ctx := context.Background()
	if err := env.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}); err != nil {
		t.Fatal(err)
	}
	objs := helmTemplate(t, "mcpServerOverrides: {nodeSelector: {pool: mcp}}\nmcpServerDefaults: {replicas: 2}\n")
	for _, obj := range objs {
		if err := env.Client.Create(ctx, obj); err != nil {
			t.Fatalf("creating %s %s: %v", obj.GetKind(), obj.GetName(), err)
		}
	}

	d := &appsv1.Deployment{}
	if err := env.Client.Get(ctx, types.NamespacedName{Namespace: namespace, Name: "mcp-operator-controller-manager"}, d); err != nil {
		t.Fatal(err)
	}
	check.CheckRestricted(t, d.Spec.Template.Spec)
	if got := d.Spec.Template.Spec.Containers[0].Image; got != "quay.io/mcp-operator/mcp-operator:v0.1.0" {
		t.Errorf("manager image %s", got)
	}

	checkCatalogPage(ctx, t, env)

	renderer, err := render.NewRenderer(helmcharts.MCPServer, helmcharts.MCPServerDir)
	if err != nil {
		t.Fatal(err)
	}
	admin := adminvalues.New(types.NamespacedName{Namespace: namespace, Name: "mcp-operator-values"}, env.Client, renderer.CheckAdminValues)
	if _, err := admin.Load(ctx); err != nil {
		t.Fatalf("the operator cannot use the admin values the chart wrote: %v", err)
	}
	values, _, _ := admin.Snapshot()
	server := &mcpv1beta1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: "weather", Namespace: "team-a"}}
	server.Spec.Source = mcpv1beta1.Source{Type: mcpv1beta1.SourceTypeContainerImage,
		ContainerImage: &mcpv1beta1.ContainerImageSource{Ref: "quay.io/example/weather:1.0"}}
	server.Spec.Config.Port = 8080
	rendered, err := renderer.Render(render.Request{Server: server, Admin: values})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range rendered {
		if dep, ok := o.(*appsv1.Deployment); ok {
			if dep.Spec.Template.Spec.NodeSelector["pool"] != "mcp" || *dep.Spec.Replicas != 2 {
				t.Errorf("the helm values did not reach the MCP server: nodeSelector %v replicas %d", dep.Spec.Template.Spec.NodeSelector, *dep.Spec.Replicas)
			}
		}
	}
}

// checkCatalogPage: the chart runs the catalog page from the operator's image, restricted, with a
// service account that may only read ConfigMaps in the release namespace.
func checkCatalogPage(ctx context.Context, t *testing.T, env *testenv.Env) {
	t.Helper()
	d := &appsv1.Deployment{}
	if err := env.Client.Get(ctx, types.NamespacedName{Namespace: namespace, Name: "mcp-operator-catalog"}, d); err != nil {
		t.Fatal(err)
	}
	check.CheckRestricted(t, d.Spec.Template.Spec)
	c := d.Spec.Template.Spec.Containers[0]
	if c.Image != "quay.io/mcp-operator/mcp-operator:v0.1.0" || len(c.Command) != 1 || c.Command[0] != "/mcp-catalog" {
		t.Errorf("catalog container %s %v", c.Image, c.Command)
	}
	svc := &corev1.Service{}
	if err := env.Client.Get(ctx, types.NamespacedName{Namespace: namespace, Name: "mcp-operator-catalog"}, svc); err != nil {
		t.Fatal(err)
	}
	if svc.Spec.Selector["app.kubernetes.io/component"] != "catalog" {
		t.Errorf("the catalog Service selects %v", svc.Spec.Selector)
	}
	role := &rbacv1.Role{}
	if err := env.Client.Get(ctx, types.NamespacedName{Namespace: namespace, Name: "mcp-operator-catalog-sources-reader"}, role); err != nil {
		t.Fatal(err)
	}
	want := []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get", "list", "watch"}}}
	if !equality.Semantic.DeepEqual(want, role.Rules) {
		t.Errorf("the catalog may do more than read catalog sources: %+v", role.Rules)
	}
	for _, arg := range c.Args {
		if strings.HasPrefix(arg, "--runtime-image") {
			t.Errorf("the default values name a runtime image: %s", arg)
		}
	}
	checkCatalogRuntimeImages(t)
	for _, obj := range helmTemplate(t, "catalog: {enabled: false}\n") {
		if strings.Contains(obj.GetName(), "catalog") {
			t.Errorf("catalog.enabled=false still renders %s %s", obj.GetKind(), obj.GetName())
		}
	}
}

// checkCatalogRuntimeImages: catalog.runtimeImages reach the catalog as --runtime-image flags,
// one per type that has an image.
func checkCatalogRuntimeImages(t *testing.T) {
	t.Helper()
	for _, obj := range helmTemplate(t, "catalog: {runtimeImages: {npm: registry.example.com/node:22, pypi: \"\"}}\n") {
		if obj.GetKind() != "Deployment" || obj.GetName() != "mcp-operator-catalog" {
			continue
		}
		d := &appsv1.Deployment{}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, d); err != nil {
			t.Fatal(err)
		}
		var flags []string
		for _, arg := range d.Spec.Template.Spec.Containers[0].Args {
			if strings.HasPrefix(arg, "--runtime-image") {
				flags = append(flags, arg)
			}
		}
		if len(flags) != 1 || flags[0] != "--runtime-image=npm=registry.example.com/node:22" {
			t.Errorf("catalog.runtimeImages gave the flags %v", flags)
		}
		return
	}
	t.Error("no catalog Deployment rendered")
}

// TestInstallChartScopesRBACToWatchedNamespaces: with watchNamespaces, the manager's rules are
// Roles in those namespaces and the operator's own, and nothing cluster-wide.
func TestInstallChartScopesRBACToWatchedNamespaces(t *testing.T) {
	objs := helmTemplate(t, "watchNamespaces: [team-a, team-b]\n")
	roles := map[string]bool{}
	for _, obj := range objs {
		switch {
		case obj.GetKind() == "Role" && obj.GetName() == "mcp-operator-manager-role":
			roles[obj.GetNamespace()] = true
		case obj.GetKind() == "ClusterRole" && obj.GetName() == "mcp-operator-manager-role":
			t.Error("a ClusterRole grants the manager's rules cluster-wide although watchNamespaces is set")
		case obj.GetKind() == "Deployment" && obj.GetName() == "mcp-operator-controller-manager":
			env := obj.Object["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)["env"]
			if !strings.Contains(toJSON(t, env), `"team-a,team-b"`) {
				t.Errorf("WATCH_NAMESPACE not set from watchNamespaces: %s", toJSON(t, env))
			}
		}
	}
	for _, ns := range []string{"team-a", "team-b", namespace} {
		if !roles[ns] {
			t.Errorf("no manager Role in %s", ns)
		}
	}
}

func toJSON(t *testing.T, v any) string {
	t.Helper()
	raw, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	js, err := yaml.YAMLToJSON(raw)
	if err != nil {
		t.Fatal(err)
	}
	return string(js)
}

// TestInstallChartGivesTheOperatorTheSameNetworkPolicy: the Helm chart's NetworkPolicy for the
// operator says what dist/install.yaml's says (test/network holds that one to what the operator
// needs), and networkPolicy.enabled=false leaves it out.
func TestInstallChartGivesTheOperatorTheSameNetworkPolicy(t *testing.T) {
	spec := func(objs []*unstructured.Unstructured) any {
		for _, o := range objs {
			if o.GetKind() == "NetworkPolicy" {
				s := o.Object["spec"].(map[string]any)
				delete(s, "podSelector") // the chart's selector also names the release
				return s
			}
		}
		return nil
	}
	want := spec(check.ReadManifests(t, filepath.Join(testenv.RepoRoot(), "dist", "install.yaml")))
	got := spec(helmTemplate(t, ""))
	if got == nil || toJSON(t, got) != toJSON(t, want) {
		t.Errorf("the chart's operator NetworkPolicy\n%s\ndiffers from dist/install.yaml's\n%s", toJSON(t, got), toJSON(t, want))
	}
	if spec(helmTemplate(t, "networkPolicy: {enabled: false}")) != nil {
		t.Error("networkPolicy.enabled=false still renders the operator's NetworkPolicy")
	}
}

// TestInstallChartShipsTheImagePolicy: imagePolicy.enabled renders config/admission's policy
// (the same rules), its binding and its parameters from the values; off by default.
func TestInstallChartShipsTheImagePolicy(t *testing.T) {
	kinds := func(objs []*unstructured.Unstructured) map[string]*unstructured.Unstructured {
		out := map[string]*unstructured.Unstructured{}
		for _, o := range objs {
			out[o.GetKind()+"/"+o.GetName()] = o
		}
		return out
	}
	if off := kinds(helmTemplate(t, "")); off["ValidatingAdmissionPolicy/mcp-operator-mcpserver-images"] != nil {
		t.Error("the image policy is on by default")
	}
	on := kinds(helmTemplate(t, `imagePolicy: {enabled: true, allowedRegistries: [ghcr.io/trusted, quay.io/org/], requireDigest: true, maxStorageMounts: 2, requiredLabels: [team], disallowPrivileged: true}`))
	want := map[string]*unstructured.Unstructured{}
	for _, f := range []string{"image_policy.yaml", "image_policy_binding.yaml", "image_policy_params.yaml"} {
		for _, o := range check.ReadManifests(t, filepath.Join(testenv.RepoRoot(), "config", "admission", f)) {
			want[o.GetKind()+"/"+o.GetName()] = o
		}
	}
	for k, w := range want {
		got := on[k]
		if got == nil {
			t.Errorf("the chart does not render %s", k)
			continue
		}
		if w.GetKind() == "ConfigMap" {
			continue
		}
		if toJSON(t, got.Object["spec"]) != toJSON(t, w.Object["spec"]) {
			t.Errorf("%s differs from config/admission's:\n%s\n%s", k, toJSON(t, got.Object["spec"]), toJSON(t, w.Object["spec"]))
		}
	}
	data := on["ConfigMap/mcp-operator-image-policy"].Object["data"]
	if wantData := `{"allowedRegistries":"ghcr.io/trusted,quay.io/org/","disallowPrivileged":"true","maxStorageMounts":"2","requireDigest":"true","requiredLabels":"team"}`; toJSON(t, data) != wantData {
		t.Errorf("parameters %s, want %s", toJSON(t, data), wantData)
	}
}

// TestInstallChartWebhookCertificates: each way of getting the conversion webhook's
// certificate renders what it needs: the operator's own (an emptyDir it writes, RBAC for its
// Secret), cert-manager's (an Issuer and a Certificate, its Secret mounted, its ca.crt
// injected) and OpenShift's service CA (the Service annotated, the CA ConfigMap mounted).
func TestInstallChartWebhookCertificates(t *testing.T) {
	for mode, want := range map[string]struct {
		args  []string
		kinds []string
	}{
		"operator":             {[]string{"--webhook-cert-provisioning=operator"}, []string{"Role", "PodDisruptionBudget"}},
		"cert-manager":         {[]string{"--webhook-cert-provisioning=external", "--webhook-ca-file=/tmp/k8s-webhook-server/serving-certs/ca.crt"}, []string{"Issuer", "Certificate"}},
		"openshift-service-ca": {[]string{"--webhook-cert-provisioning=external", "--webhook-ca-file=/tmp/k8s-webhook-server/service-ca/service-ca.crt"}, []string{"ConfigMap"}},
	} {
		objs := helmTemplate(t, "webhook: {certificates: "+mode+"}")
		kinds := map[string]bool{}
		var args []string
		var service *unstructured.Unstructured
		for _, o := range objs {
			kinds[o.GetKind()] = true
			if o.GetKind() == "Deployment" && strings.HasSuffix(o.GetName(), "controller-manager") {
				containers, _, _ := unstructured.NestedSlice(o.Object, "spec", "template", "spec", "containers")
				for _, a := range containers[0].(map[string]any)["args"].([]any) {
					args = append(args, a.(string))
				}
			}
			if o.GetKind() == "Service" && strings.HasSuffix(o.GetName(), "webhook-service") {
				service = o
			}
		}
		for _, a := range want.args {
			if !slices.Contains(args, a) {
				t.Errorf("%s: the operator's args %v lack %s", mode, args, a)
			}
		}
		for _, k := range want.kinds {
			if !kinds[k] {
				t.Errorf("%s: no %s rendered", mode, k)
			}
		}
		if service == nil {
			t.Fatalf("%s: no webhook Service", mode)
		}
		if annotated := service.GetAnnotations()["service.beta.openshift.io/serving-cert-secret-name"] != ""; annotated != (mode == "openshift-service-ca") {
			t.Errorf("%s: webhook Service annotations %v", mode, service.GetAnnotations())
		}
	}
}
