// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package monitoring

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	fakediscovery "k8s.io/client-go/discovery/fake"
	clienttesting "k8s.io/client-go/testing"
)

// TestObjectsAreOwnedByAndSelectTheMetricsService: both objects land in the Service's
// namespace, owned by it (so they go with the operator), and the ServiceMonitor selects the
// Service by exactly its labels, whatever the install method named them.
func TestObjectsAreOwnedByAndSelectTheMetricsService(t *testing.T) {
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{
		Name: "mcp-operator-metrics", Namespace: "ops", UID: "uid-1",
		Labels: map[string]string{"app.kubernetes.io/instance": "mcp", "app.kubernetes.io/name": "mcp-operator"},
	}}
	objects, err := Objects(svc)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, o := range objects {
		kinds[o.GetKind()] = true
		if o.GetNamespace() != "ops" {
			t.Errorf("%s in %q, want the Service's namespace", o.GetKind(), o.GetNamespace())
		}
		refs := o.GetOwnerReferences()
		if len(refs) != 1 || refs[0].Kind != "Service" || refs[0].Name != svc.Name || refs[0].UID != svc.UID {
			t.Errorf("%s owners %+v, want the metrics Service", o.GetKind(), refs)
		}
		if o.GetKind() == "ServiceMonitor" {
			sel, _, _ := unstructured.NestedStringMap(o.Object, "spec", "selector", "matchLabels")
			if len(sel) != 2 || sel["app.kubernetes.io/instance"] != "mcp" {
				t.Errorf("the ServiceMonitor selects %v, want the Service's labels %v", sel, svc.Labels)
			}
		}
	}
	if !kinds["ServiceMonitor"] || !kinds["PrometheusRule"] || len(objects) != 2 {
		t.Errorf("objects %v, want one ServiceMonitor and one PrometheusRule", kinds)
	}
}

// TestTheAPIIsServedOnlyWithBothKinds: a cluster without the group, or with only one of the
// two kinds, gets neither object.
func TestTheAPIIsServedOnlyWithBothKinds(t *testing.T) {
	for name, c := range map[string]struct {
		resources []metav1.APIResource
		want      bool
	}{
		"no group":      {nil, false},
		"monitors only": {[]metav1.APIResource{{Name: "servicemonitors"}}, false},
		"both":          {[]metav1.APIResource{{Name: "servicemonitors"}, {Name: "prometheusrules"}}, true},
	} {
		t.Run(name, func(t *testing.T) {
			d := &fakediscovery.FakeDiscovery{Fake: &clienttesting.Fake{}}
			if c.resources != nil {
				d.Resources = []*metav1.APIResourceList{{GroupVersion: GroupVersion, APIResources: c.resources}}
			}
			got, err := (&Installer{Discovery: d}).served()
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("served = %v, want %v", got, c.want)
			}
		})
	}
}
