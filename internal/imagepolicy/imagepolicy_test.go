// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package imagepolicy_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/imagepolicy"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// TestInstallAppliesThePolicyAndKeepsTheAdminsParameters: on a real API server, Install puts the
// policy and its binding (pointed at the operator's namespace) in place and the parameters
// ConfigMap once; run again (a restart), it restores a deleted binding and leaves the admin's
// edited parameters alone, and the policy then enforces them.
func TestInstallAppliesThePolicyAndKeepsTheAdminsParameters(t *testing.T) {
	env, err := testenv.Start(testenv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = env.Stop() }()
	ctx := context.Background()
	c := env.Client
	const ns = "operators"
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatal(err)
	}
	if err := imagepolicy.Install(ctx, c, ns); err != nil {
		t.Fatal(err)
	}
	binding := &admissionregistrationv1.ValidatingAdmissionPolicyBinding{}
	if err := c.Get(ctx, client.ObjectKey{Name: "mcp-operator-mcpserver-images"}, binding); err != nil {
		t.Fatal(err)
	}
	if binding.Spec.ParamRef == nil || binding.Spec.ParamRef.Namespace != ns {
		t.Errorf("the binding's parameters are %+v, want them in %s", binding.Spec.ParamRef, ns)
	}
	params := &corev1.ConfigMap{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: "mcp-operator-image-policy"}, params); err != nil {
		t.Fatal(err)
	}
	params.Data["allowedRegistries"] = "quay.io/org/"
	if err := c.Update(ctx, params); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, binding); err != nil {
		t.Fatal(err)
	}

	if err := imagepolicy.Install(ctx, c, ns); err != nil {
		t.Fatal(err)
	}
	if err := c.Get(ctx, client.ObjectKeyFromObject(params), params); err != nil || params.Data["allowedRegistries"] != "quay.io/org/" {
		t.Errorf("the admin's parameters were overwritten: %v %v", params.Data, err)
	}
	s := &mcpv1beta1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "default"}, Spec: mcpv1beta1.MCPServerSpec{
		Source: mcpv1beta1.Source{Type: mcpv1beta1.SourceTypeContainerImage, ContainerImage: &mcpv1beta1.ContainerImageSource{Ref: "docker.io/x/y:1"}},
		Config: mcpv1beta1.ServerConfig{Port: 8080},
	}}
	check.Eventually(t, 10*time.Second, "the restored binding enforcing the admin's parameters", func() (bool, string) {
		err := c.Create(ctx, s.DeepCopy(), client.DryRunAll)
		return err != nil && strings.Contains(err.Error(), "does not match any allowed registry prefix (quay.io/org/)"), fmt.Sprint(err)
	})
}
