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

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/config/admission"
)

// fieldOwner is the server-side apply field manager of what the operator installs.
const fieldOwner = "mcp-operator"

// Install applies the policy and its binding, with the parameters in namespace, and creates
// the parameters ConfigMap there unless it exists.
func Install(ctx context.Context, c client.Client, namespace string) error {
	policy := &admissionregistrationv1.ValidatingAdmissionPolicy{}
	binding := &admissionregistrationv1.ValidatingAdmissionPolicyBinding{}
	params := &corev1.ConfigMap{}
	for _, m := range []struct {
		raw []byte
		obj any
	}{{admission.Policy, policy}, {admission.Binding, binding}, {admission.Params, params}} {
		if err := yaml.UnmarshalStrict(m.raw, m.obj); err != nil {
			return fmt.Errorf("the embedded image policy: %w", err)
		}
	}
	policy.SetGroupVersionKind(admissionregistrationv1.SchemeGroupVersion.WithKind("ValidatingAdmissionPolicy"))
	binding.SetGroupVersionKind(admissionregistrationv1.SchemeGroupVersion.WithKind("ValidatingAdmissionPolicyBinding"))
	binding.Spec.ParamRef.Namespace = namespace
	for _, obj := range []client.Object{policy, binding} {
		//nolint:staticcheck // client.Apply with a typed object: the embedded manifests are whole objects
		if err := c.Patch(ctx, obj, client.Apply, client.FieldOwner(fieldOwner), client.ForceOwnership); err != nil {
			return fmt.Errorf("applying %s %s: %w", obj.GetObjectKind().GroupVersionKind().Kind, obj.GetName(), err)
		}
	}
	params.Namespace = namespace
	if err := c.Create(ctx, params); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating the image policy's parameters %s/%s: %w", namespace, params.Name, err)
	}
	return nil
}
