// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package imagepolicy installs the MCPServer image admission policy (config/admission) from the
// operator, for installs whose packaging cannot carry it (OLM): the policy and its binding are
// applied as shipped, pointed at the operator's namespace; the parameters ConfigMap is created
// once and never overwritten, since it is the admin's to edit.
package imagepolicy

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/config/admission"
)

// fieldOwner is the server-side apply field manager of what the operator installs.
const fieldOwner = "mcp-operator"

// Install applies the policy and its binding, with the parameters in namespace, and creates
// the parameters ConfigMap there unless it exists.
func Install(ctx context.Context, c client.Client, namespace string) error {
	policy, binding, params := &unstructured.Unstructured{}, &unstructured.Unstructured{}, &unstructured.Unstructured{}
	for _, m := range []struct {
		raw []byte
		obj *unstructured.Unstructured
	}{{admission.Policy, policy}, {admission.Binding, binding}, {admission.Params, params}} {
		if err := yaml.Unmarshal(m.raw, &m.obj.Object); err != nil {
			return fmt.Errorf("the embedded image policy: %w", err)
		}
	}
	if err := unstructured.SetNestedField(binding.Object, namespace, "spec", "paramRef", "namespace"); err != nil {
		return err
	}
	for _, obj := range []*unstructured.Unstructured{policy, binding} {
		if err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(obj), client.FieldOwner(fieldOwner), client.ForceOwnership); err != nil {
			return fmt.Errorf("applying %s %s: %w", obj.GetKind(), obj.GetName(), err)
		}
	}
	params.SetNamespace(namespace)
	if err := c.Create(ctx, params); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating the image policy's parameters %s/%s: %w", namespace, params.GetName(), err)
	}
	return nil
}
