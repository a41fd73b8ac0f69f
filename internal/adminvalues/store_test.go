// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package adminvalues

import (
	"context"
	"errors"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/mcp-operator/mcp-operator/internal/render"
)

var key = types.NamespacedName{Namespace: "mcp-operator-system", Name: "mcp-operator-values"}

// storeWith is a Store over controller-runtime's fake client (a pure unit test of the
// ConfigMap's format and of keeping the last good values; the controller's handling of a real
// ConfigMap on a real API server is in controllers/adminvalues_test.go).
func storeWith(data map[string]string, validate func(render.AdminValues) error) (*Store, func(map[string]string)) {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: key.Name, Namespace: key.Namespace}, Data: data}
	builder := fake.NewClientBuilder()
	if data != nil {
		builder = builder.WithObjects(cm)
	}
	c := builder.Build()
	set := func(data map[string]string) {
		cm.Data = data
		if err := c.Update(context.Background(), cm); err != nil {
			panic(err)
		}
	}
	return New(key, c, validate), set
}

func accept(render.AdminValues) error { return nil }

func TestNoConfigMapMeansNoValues(t *testing.T) {
	s, _ := storeWith(nil, accept)
	if _, _, loaded := s.Snapshot(); loaded {
		t.Fatal("loaded before Load")
	}
	changed, err := s.Load(context.Background())
	values, version, loaded := s.Snapshot()
	if err != nil || !changed || !loaded || version != 1 || values.Defaults != nil || values.Overrides != nil {
		t.Errorf("changed %v, err %v, loaded %v, version %d, values %+v", changed, err, loaded, version, values)
	}
}

func TestTheConfigMapsFormat(t *testing.T) {
	tests := map[string]struct {
		data    map[string]string
		problem string
	}{
		"both layers":      {map[string]string{DefaultsKey: "replicas: 2\n", OverridesKey: "nodeSelector: {pool: mcp}\n"}, ""},
		"empty documents":  {map[string]string{DefaultsKey: "  \n", OverridesKey: ""}, ""},
		"an unknown key":   {map[string]string{"values.yaml": "replicas: 2\n"}, "unknown keys values.yaml (the keys are defaults.yaml and overrides.yaml)"},
		"not a map":        {map[string]string{DefaultsKey: "- a\n- b\n"}, "defaults.yaml: not a YAML map of chart values"},
		"broken YAML":      {map[string]string{OverridesKey: "replicas: [1"}, "overrides.yaml: not a YAML map of chart values"},
		"values that fail": {map[string]string{DefaultsKey: "replicas: many\n"}, "cannot render"},
	}
	validate := func(v render.AdminValues) error {
		if v.Defaults["replicas"] == "many" {
			return errors.New("cannot render")
		}
		return nil
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s, _ := storeWith(tc.data, validate)
			_, err := s.Load(context.Background())
			if tc.problem == "" && err != nil {
				t.Fatalf("Load: %v", err)
			}
			if tc.problem != "" && (err == nil || !strings.Contains(err.Error(), tc.problem) || !strings.Contains(err.Error(), key.String())) {
				t.Fatalf("Load: %v, want an error naming the ConfigMap and %q", err, tc.problem)
			}
		})
	}
}

// TestABrokenConfigMapKeepsTheLastGoodValues, and the version changes only with the values.
func TestABrokenConfigMapKeepsTheLastGoodValues(t *testing.T) {
	ctx := context.Background()
	s, set := storeWith(map[string]string{DefaultsKey: "replicas: 2\n"}, accept)
	if _, err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if changed, err := s.Load(ctx); changed || err != nil {
		t.Errorf("loading the same values again: changed %v, err %v", changed, err)
	}
	set(map[string]string{DefaultsKey: "replicas: [broken"})
	if _, err := s.Load(ctx); err == nil {
		t.Fatal("a broken ConfigMap loaded")
	}
	values, version, loaded := s.Snapshot()
	if !loaded || version != 1 || values.Defaults["replicas"] != float64(2) {
		t.Errorf("after a broken ConfigMap: loaded %v, version %d, values %+v; want the last good ones", loaded, version, values)
	}
	set(map[string]string{DefaultsKey: "replicas: 3\n"})
	if changed, err := s.Load(ctx); !changed || err != nil {
		t.Fatalf("the fix: changed %v, err %v", changed, err)
	}
	if values, version, _ := s.Snapshot(); version != 2 || values.Defaults["replicas"] != float64(3) {
		t.Errorf("after the fix: version %d, values %+v", version, values)
	}
}
