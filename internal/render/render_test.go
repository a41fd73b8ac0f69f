// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package render_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	routev1 "github.com/openshift/api/route/v1"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	helmcharts "github.com/mcp-operator/mcp-operator/helm-charts"
	"github.com/mcp-operator/mcp-operator/internal/platform"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

func newRenderer(t testing.TB) *render.Renderer {
	t.Helper()
	r, err := render.NewRenderer(helmcharts.MCPServer, helmcharts.MCPServerDir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// customerServer is the customer's example MCPServer, as the API server stores it.
func customerServer() *mcpv1beta1.MCPServer {
	s := &mcpv1beta1.MCPServer{}
	s.Name, s.Namespace = "openshift-mcp-server", "default"
	s.Spec.Source = mcpv1beta1.Source{Type: mcpv1beta1.SourceTypeContainerImage, ContainerImage: &mcpv1beta1.ContainerImageSource{
		Ref: "quay.io/redhat-user-workloads/ocp-mcp-server-tenant/openshift-mcp-server-release-03:latest",
	}}
	s.Spec.Config = mcpv1beta1.ServerConfig{
		Port: 8080, Path: "/mcp", Arguments: []string{"--config", "/etc/mcp-config/config.toml"},
		Storage: []mcpv1beta1.StorageMount{{Path: "/etc/mcp-config", Permissions: mcpv1beta1.MountPermissionsReadOnly,
			Source: mcpv1beta1.StorageSource{Type: mcpv1beta1.StorageTypeConfigMap, ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: "openshift-mcp-server-config"}}}}},
	}
	s.Spec.Runtime.Security.ServiceAccountName = "mcp-viewer"
	return s
}

func objectsByKind(t testing.TB, objs []client.Object) (*appsv1.Deployment, *corev1.Service, *networkingv1.NetworkPolicy) {
	t.Helper()
	var (
		d  *appsv1.Deployment
		s  *corev1.Service
		np *networkingv1.NetworkPolicy
	)
	for _, o := range objs {
		switch v := o.(type) {
		case *appsv1.Deployment:
			d = v
		case *corev1.Service:
			s = v
		case *networkingv1.NetworkPolicy:
			np = v
		default:
			t.Fatalf("unexpected object %T", o)
		}
	}
	if d == nil || s == nil {
		t.Fatalf("rendered %d objects without a Deployment and a Service", len(objs))
	}
	return d, s, np
}

// TestValueLayers checks the precedence of the four value layers: chart defaults < admin
// defaults < the MCPServer < admin overrides.
func TestValueLayers(t *testing.T) {
	r := newRenderer(t)
	tests := map[string]struct {
		spec  func(*mcpv1beta1.MCPServer)
		admin render.AdminValues
		check func(t *testing.T, d *appsv1.Deployment, np *networkingv1.NetworkPolicy)
	}{
		"chart defaults alone": {
			check: func(t *testing.T, d *appsv1.Deployment, np *networkingv1.NetworkPolicy) {
				if *d.Spec.Replicas != 1 || d.Spec.Template.Spec.NodeSelector != nil || np == nil {
					t.Errorf("replicas %d nodeSelector %v networkPolicy %v", *d.Spec.Replicas, d.Spec.Template.Spec.NodeSelector, np != nil)
				}
			},
		},
		"admin defaults fill what the spec leaves out": {
			admin: render.AdminValues{Defaults: map[string]any{
				"replicas": 2, "nodeSelector": map[string]any{"zone": "a"},
				"imagePullSecrets": []any{map[string]any{"name": "global-pull"}},
				"resources":        map[string]any{"limits": map[string]any{"memory": "256Mi"}},
			}},
			check: func(t *testing.T, d *appsv1.Deployment, _ *networkingv1.NetworkPolicy) {
				p := d.Spec.Template.Spec
				if *d.Spec.Replicas != 2 || p.NodeSelector["zone"] != "a" || len(p.ImagePullSecrets) != 1 ||
					p.Containers[0].Resources.Limits.Memory().String() != "256Mi" {
					t.Errorf("replicas %d nodeSelector %v pull secrets %v resources %v", *d.Spec.Replicas, p.NodeSelector, p.ImagePullSecrets, p.Containers[0].Resources)
				}
			},
		},
		"the spec wins over admin defaults, and maps merge": {
			spec: func(s *mcpv1beta1.MCPServer) {
				s.Spec.Runtime.Replicas = ptr.To[int32](3)
				s.Spec.ExtraLabels = map[string]string{"team": "search"}
				s.Spec.Source.ContainerImage.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "mine"}}
			},
			admin: render.AdminValues{Defaults: map[string]any{
				"replicas": 2, "extraLabels": map[string]any{"team": "platform", "cost-center": "42"},
				"imagePullSecrets": []any{map[string]any{"name": "global-pull"}},
			}},
			check: func(t *testing.T, d *appsv1.Deployment, _ *networkingv1.NetworkPolicy) {
				want := map[string]string{"team": "search", "cost-center": "42", "app": "mcp-server", "mcp-server": "openshift-mcp-server"}
				if diff := cmp.Diff(want, d.Labels); diff != "" {
					t.Errorf("labels (-want +got):\n%s", diff)
				}
				if *d.Spec.Replicas != 3 || len(d.Spec.Template.Spec.ImagePullSecrets) != 1 || d.Spec.Template.Spec.ImagePullSecrets[0].Name != "mine" {
					t.Errorf("replicas %d pull secrets %v", *d.Spec.Replicas, d.Spec.Template.Spec.ImagePullSecrets)
				}
			},
		},
		"admin overrides win over the spec": {
			spec: func(s *mcpv1beta1.MCPServer) { s.Spec.Runtime.Replicas = ptr.To[int32](3) },
			admin: render.AdminValues{
				Defaults:  map[string]any{"replicas": 2},
				Overrides: map[string]any{"replicas": 1, "networkPolicy": map[string]any{"enabled": false}},
			},
			check: func(t *testing.T, d *appsv1.Deployment, np *networkingv1.NetworkPolicy) {
				if *d.Spec.Replicas != 1 || np != nil {
					t.Errorf("replicas %d, networkPolicy rendered %v", *d.Spec.Replicas, np != nil)
				}
			},
		},
		"enforced security fields beat a user's weaker security context": {
			spec: func(s *mcpv1beta1.MCPServer) {
				s.Spec.Runtime.Security.SecurityContext = &corev1.SecurityContext{
					ReadOnlyRootFilesystem: ptr.To(false), AllowPrivilegeEscalation: ptr.To(true), RunAsUser: ptr.To[int64](0),
				}
			},
			admin: render.AdminValues{Overrides: map[string]any{"enforcedSecurityContext": map[string]any{
				"allowPrivilegeEscalation": false, "runAsNonRoot": true,
			}}},
			check: func(t *testing.T, d *appsv1.Deployment, _ *networkingv1.NetworkPolicy) {
				sc := d.Spec.Template.Spec.Containers[0].SecurityContext
				if *sc.AllowPrivilegeEscalation || !*sc.RunAsNonRoot || *sc.ReadOnlyRootFilesystem || *sc.RunAsUser != 0 {
					t.Errorf("security context %+v: want the user's, with the enforced fields over it", sc)
				}
			},
		},
		"a user's security context replaces the default": {
			spec: func(s *mcpv1beta1.MCPServer) {
				s.Spec.Runtime.Security.SecurityContext = &corev1.SecurityContext{RunAsNonRoot: ptr.To(true)}
			},
			check: func(t *testing.T, d *appsv1.Deployment, _ *networkingv1.NetworkPolicy) {
				want := &corev1.SecurityContext{RunAsNonRoot: ptr.To(true)}
				if diff := cmp.Diff(want, d.Spec.Template.Spec.Containers[0].SecurityContext); diff != "" {
					t.Errorf("security context (-want +got):\n%s", diff)
				}
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := customerServer()
			if tc.spec != nil {
				tc.spec(s)
			}
			objs, err := r.Render(render.Request{Server: s, Admin: tc.admin})
			if err != nil {
				t.Fatal(err)
			}
			d, _, np := objectsByKind(t, objs)
			tc.check(t, d, np)
		})
	}
}

// TestAdminValuesAreNotModifiedByRendering: the admin layers are shared by every render.
func TestAdminValuesAreNotModifiedByRendering(t *testing.T) {
	r := newRenderer(t)
	admin := render.AdminValues{
		Defaults:  map[string]any{"extraLabels": map[string]any{"team": "platform"}},
		Overrides: map[string]any{"nodeSelector": map[string]any{"zone": "a"}},
	}
	s := customerServer()
	s.Spec.ExtraLabels = map[string]string{"app-team": "x"}
	if _, err := r.Render(render.Request{Server: s, Admin: admin}); err != nil {
		t.Fatal(err)
	}
	want := render.AdminValues{
		Defaults:  map[string]any{"extraLabels": map[string]any{"team": "platform"}},
		Overrides: map[string]any{"nodeSelector": map[string]any{"zone": "a"}},
	}
	if diff := cmp.Diff(want, admin); diff != "" {
		t.Errorf("rendering changed the admin values (-want +got):\n%s", diff)
	}
}

// TestHelmTemplateGivesTheSameObjects renders the chart from its folder with a values file, as
// `helm template` does, and compares with what the operator renders from the embedded chart.
func TestHelmTemplateGivesTheSameObjects(t *testing.T) {
	r := newRenderer(t)
	s := customerServer()
	s.Spec.ExtraAnnotations = map[string]string{"example.com/owner": "platform"}
	req := render.Request{
		Server: s, ConfigHash: "0123456789abcdef",
		Admin: render.AdminValues{Defaults: map[string]any{"nodeSelector": map[string]any{"zone": "a"}}},
	}
	fromOperator, err := r.Render(req)
	if err != nil {
		t.Fatal(err)
	}

	values, err := r.Values(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := yaml.Marshal(values)
	if err != nil {
		t.Fatal(err)
	}
	valuesFile := filepath.Join(t.TempDir(), "values.yaml")
	if err := os.WriteFile(valuesFile, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	chrt, err := loader.Load(filepath.Join(testenv.RepoRoot(), "helm-charts", "mcp-server"))
	if err != nil {
		t.Fatal(err)
	}
	fileValues, err := chartutil.ReadValuesFile(valuesFile)
	if err != nil {
		t.Fatal(err)
	}
	renderValues, err := chartutil.ToRenderValues(chrt, fileValues, chartutil.ReleaseOptions{Name: s.Name, Namespace: s.Namespace, IsInstall: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	manifests, err := engine.Render(chrt, renderValues)
	if err != nil {
		t.Fatal(err)
	}
	var fromHelm []map[string]any
	for _, f := range []string{"deployment.yaml", "networkpolicy.yaml", "service.yaml"} {
		var obj map[string]any
		if err := yaml.Unmarshal([]byte(manifests["mcp-server/templates/"+f]), &obj); err != nil {
			t.Fatal(err)
		}
		fromHelm = append(fromHelm, obj)
	}
	var operator []map[string]any
	for _, o := range fromOperator {
		u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o)
		if err != nil {
			t.Fatal(err)
		}
		// Normalise both sides through JSON: numbers and empty fields alike.
		operator = append(operator, normalise(t, u))
	}
	for i := range fromHelm {
		fromHelm[i] = normaliseTyped(t, fromHelm[i], fromOperator[i])
	}
	if diff := cmp.Diff(operator, fromHelm); diff != "" {
		t.Errorf("helm template and the operator disagree (-operator +helm):\n%s", diff)
	}
}

// normalise round-trips an object through JSON.
func normalise(t *testing.T, obj map[string]any) map[string]any {
	t.Helper()
	raw, err := yaml.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := yaml.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// normaliseTyped decodes a helm-rendered object into the Go type of its operator twin and back,
// so that both sides are compared in the same shape.
func normaliseTyped(t *testing.T, obj map[string]any, like client.Object) map[string]any {
	t.Helper()
	typed := like.DeepCopyObject()
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj, typed); err != nil {
		t.Fatal(err)
	}
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(typed)
	if err != nil {
		t.Fatal(err)
	}
	return normalise(t, u)
}

// TestCheckAdminValues: admin values the chart does not know, or that break rendering, are
// rejected; good ones pass.
func TestCheckAdminValues(t *testing.T) {
	r := newRenderer(t)
	tests := map[string]struct {
		admin render.AdminValues
		err   string
	}{
		"none":     {},
		"good":     {admin: render.AdminValues{Defaults: map[string]any{"tolerations": []any{map[string]any{"key": "mcp", "operator": "Exists"}}}}},
		"typo":     {admin: render.AdminValues{Defaults: map[string]any{"nodeselector": map[string]any{"zone": "a"}}}, err: "the mcp-server chart has no value nodeselector"},
		"bad type": {admin: render.AdminValues{Overrides: map[string]any{"tolerations": "all"}}, err: "does not render"},
		"bad field": {
			admin: render.AdminValues{Overrides: map[string]any{"affinity": map[string]any{"nodeAffinty": map[string]any{}}}},
			err:   "unknown field",
		},
		// Admin values cannot add objects: the chart has no value that renders one, and the
		// renderer refuses any kind it does not manage.
		"an extra object": {
			admin: render.AdminValues{Overrides: map[string]any{"extraObjects": []any{map[string]any{"apiVersion": "v1", "kind": "Secret"}}}},
			err:   "the mcp-server chart has no value extraObjects",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := r.CheckAdminValues(tc.admin)
			if tc.err == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Fatalf("error %v, want one containing %q", err, tc.err)
			}
		})
	}
}

// TestAdminValuesAreDataNotTemplates: a value that looks like a template is rendered as the
// text it is; and an admin may relax the security defaults (admins are trusted), while nothing in
// a user's spec can undo what an admin enforces.
func TestAdminValuesAreDataNotTemplates(t *testing.T) {
	r := newRenderer(t)
	s := customerServer()
	s.Spec.Runtime.Security.SecurityContext = &corev1.SecurityContext{RunAsNonRoot: ptr.To(false), Privileged: ptr.To(true)}
	objs, err := r.Render(render.Request{Server: s, Admin: render.AdminValues{
		Defaults: map[string]any{"nodeSelector": map[string]any{"zone": "{{ .Release.Name }}"}},
		Overrides: map[string]any{
			// null removes a chart default, as in Helm; an empty map would merge into it.
			"defaultPodSecurityContext": nil,
			"enforcedSecurityContext":   map[string]any{"runAsNonRoot": true, "privileged": false},
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	d, _, _ := objectsByKind(t, objs)
	if got := d.Spec.Template.Spec.NodeSelector["zone"]; got != "{{ .Release.Name }}" {
		t.Errorf("a value was evaluated as a template: %q", got)
	}
	if d.Spec.Template.Spec.SecurityContext == nil || d.Spec.Template.Spec.SecurityContext.RunAsNonRoot != nil {
		t.Errorf("the admin's removal of the default pod security context was not used: %+v", d.Spec.Template.Spec.SecurityContext)
	}
	sc := d.Spec.Template.Spec.Containers[0].SecurityContext
	if sc == nil || !ptr.Deref(sc.RunAsNonRoot, false) || ptr.Deref(sc.Privileged, true) {
		t.Errorf("the user's spec undid what the admin enforces: %+v", sc)
	}
}

// TestRouteRenderedOnlyWhereRoutesExist: a requested Route is rendered where the cluster serves
// the Route API, with the TLS defaults, and not at all elsewhere.
func TestRouteRenderedOnlyWhereRoutesExist(t *testing.T) {
	r := newRenderer(t)
	s := customerServer()
	s.Spec.Expose = &mcpv1beta1.ExposeConfig{Route: &mcpv1beta1.RouteExposure{Host: "mcp.apps.example.com"}}
	for _, routes := range []bool{false, true} {
		objs, err := r.Render(render.Request{Server: s, Capabilities: render.Capabilities(platform.APIs{Routes: routes})})
		if err != nil {
			t.Fatal(err)
		}
		var route *routev1.Route
		for _, o := range objs {
			if rt, ok := o.(*routev1.Route); ok {
				route = rt
			}
		}
		if !routes {
			if route != nil {
				t.Error("a Route was rendered for a cluster without the Route API")
			}
			continue
		}
		if route == nil {
			t.Fatal("no Route rendered")
		}
		if route.Spec.Host != "mcp.apps.example.com" || route.Spec.To.Name != s.Name || route.Spec.Port.TargetPort.String() != "mcp" ||
			route.Spec.TLS.Termination != routev1.TLSTerminationEdge || route.Spec.TLS.InsecureEdgeTerminationPolicy != routev1.InsecureEdgeTerminationPolicyRedirect {
			t.Errorf("Route spec %+v", route.Spec)
		}
	}
}

// TestResourcesDefaultAsUpstream: without spec.runtime.resources the container gets upstream's
// default (requests 50m/64Mi, limits 500m/256Mi); a partial setting is used as it is, with
// nothing of the default merged in.
func TestResourcesDefaultAsUpstream(t *testing.T) {
	r := newRenderer(t)
	resources := func(s *mcpv1beta1.MCPServer) corev1.ResourceRequirements {
		t.Helper()
		objs, err := r.Render(render.Request{Server: s})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range objs {
			if d, ok := o.(*appsv1.Deployment); ok {
				return d.Spec.Template.Spec.Containers[0].Resources
			}
		}
		t.Fatal("no Deployment")
		return corev1.ResourceRequirements{}
	}
	got := resources(customerServer())
	want := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resourceQuantity("50m"), corev1.ResourceMemory: resourceQuantity("64Mi")},
		Limits:   corev1.ResourceList{corev1.ResourceCPU: resourceQuantity("500m"), corev1.ResourceMemory: resourceQuantity("256Mi")},
	}
	if !equality.Semantic.DeepEqual(got, want) {
		t.Errorf("default resources %v, want %v", got, want)
	}
	partial := customerServer()
	partial.Spec.Runtime.Resources = &corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceMemory: resourceQuantity("1Gi")}}
	if got := resources(partial); !equality.Semantic.DeepEqual(got, *partial.Spec.Runtime.Resources) {
		t.Errorf("a partial spec became %v", got)
	}
}

func resourceQuantity(s string) resource.Quantity { return resource.MustParse(s) }

// TestMCPPortIsNamedInThePodAndTargetedByTheService: the server's container declares
// spec.config.port under render.MCPPortName, which the per-pod handshake reads from each pod
// (so a pod is verified where its own revision listens), and the Service targets that name.
func TestMCPPortIsNamedInThePodAndTargetedByTheService(t *testing.T) {
	s := customerServer()
	s.Spec.Config.Port = 9090
	objs, err := newRenderer(t).Render(render.Request{Server: s})
	if err != nil {
		t.Fatal(err)
	}
	d, svc, _ := objectsByKind(t, objs)
	var named []corev1.ContainerPort
	for _, c := range d.Spec.Template.Spec.Containers {
		for _, p := range c.Ports {
			if p.Name == render.MCPPortName {
				named = append(named, p)
			}
		}
	}
	if len(named) != 1 || named[0].ContainerPort != 9090 {
		t.Errorf("container ports named %q: %+v, want one, 9090", render.MCPPortName, named)
	}
	if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Port != 9090 || svc.Spec.Ports[0].TargetPort.String() != render.MCPPortName {
		t.Errorf("Service ports %+v, want 9090 targeting %q", svc.Spec.Ports, render.MCPPortName)
	}
}
