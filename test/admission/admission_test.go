// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package admission tests the MCPServer image policy of config/admission (and the Helm
// chart's imagePolicy), a ValidatingAdmissionPolicy, on a real kube-apiserver: allowed and
// refused images, prefix edge cases, digests, storage mounts, labels, privileged contexts, and
// a parameter change taking effect without restarting anything.
package admission

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

const policyNamespace = "mcp-operator-system"

var env *testenv.Env

func TestMain(m *testing.M) {
	var err error
	env, err = testenv.Start(testenv.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	_ = env.Stop()
	os.Exit(code)
}

// install applies config/admission as `kubectl apply -k` would (its namespace on the
// ConfigMap) and returns the parameters ConfigMap.
func install(t *testing.T) *corev1.ConfigMap {
	t.Helper()
	ctx := context.Background()
	_ = env.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: policyNamespace}})
	for _, f := range []string{"image_policy.yaml", "image_policy_binding.yaml", "image_policy_params.yaml"} {
		for _, o := range check.ReadManifests(t, filepath.Join(testenv.RepoRoot(), "config", "admission", f)) {
			if o.GetKind() == "ConfigMap" {
				o.SetNamespace(policyNamespace)
			}
			if err := env.Client.Create(ctx, o); err != nil {
				t.Fatalf("creating %s %s: %v", o.GetKind(), o.GetName(), err)
			}
		}
	}
	params := &corev1.ConfigMap{}
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: policyNamespace, Name: "mcp-operator-image-policy"}, params); err != nil {
		t.Fatal(err)
	}
	return params
}

// setParams writes the policy's parameters.
func setParams(t *testing.T, params *corev1.ConfigMap, data map[string]string) {
	t.Helper()
	params.Data = data
	if err := env.Client.Update(context.Background(), params); err != nil {
		t.Fatal(err)
	}
}

func server(ref string, mutate func(*mcpv1beta1.MCPServer)) *mcpv1beta1.MCPServer {
	s := &mcpv1beta1.MCPServer{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "s-", Namespace: "default"},
		Spec: mcpv1beta1.MCPServerSpec{
			Source: mcpv1beta1.Source{Type: mcpv1beta1.SourceTypeContainerImage, ContainerImage: &mcpv1beta1.ContainerImageSource{Ref: ref}},
			Config: mcpv1beta1.ServerConfig{Port: 8080},
		},
	}
	if mutate != nil {
		mutate(s)
	}
	return s
}

// admitted dry-runs a create: nil when the API server admits it.
func admitted(s *mcpv1beta1.MCPServer) error {
	return env.Client.Create(context.Background(), s, client.DryRunAll)
}

// eventually retries the check while the API server picks the new parameters up (its
// informer on the ConfigMap), for at most ten seconds.
func eventually(t *testing.T, what string, ok func() (bool, string)) {
	t.Helper()
	check.Eventually(t, 10*time.Second, what, ok)
}

func TestImagePolicy(t *testing.T) {
	params := install(t)
	digest := "@sha256:" + strings.Repeat("a1", 32)

	eventually(t, "the default parameters admit everything", func() (bool, string) {
		err := admitted(server("docker.io/anyone/anything:1", func(s *mcpv1beta1.MCPServer) {
			s.Spec.Runtime.Security.SecurityContext = &corev1.SecurityContext{Privileged: ptr.To(true)}
		}))
		return err == nil, fmt.Sprint(err)
	})

	setParams(t, params, map[string]string{"allowedRegistries": "ghcr.io/trusted, quay.io/org/"})
	for ref, want := range map[string]string{
		"ghcr.io/trusted:1":                "",
		"ghcr.io/trusted/server:1":         "",
		"ghcr.io/trusted@" + digest[1:]:    "",
		"quay.io/org/server:1":             "",
		"ghcr.io/trusted-evil/server:1":    "spec.source.containerImage.ref: Forbidden: ghcr.io/trusted-evil/server:1 does not match any allowed registry prefix (ghcr.io/trusted, quay.io/org/)",
		"ghcr.io/trustedx:1":               "does not match any allowed registry prefix",
		"quay.io/organisation/server:1":    "does not match any allowed registry prefix",
		"docker.io/ghcr.io/trusted/evil:1": "does not match any allowed registry prefix",
	} {
		eventually(t, ref, func() (bool, string) {
			err := admitted(server(ref, nil))
			if want == "" {
				return err == nil, fmt.Sprint(err)
			}
			return err != nil && strings.Contains(err.Error(), want), fmt.Sprint(err)
		})
	}

	setParams(t, params, map[string]string{"requireDigest": "true", "maxStorageMounts": "1", "requiredLabels": "team, cost-centre", "disallowPrivileged": "true"})
	pinned := "quay.io/org/server" + digest
	emptyDir := mcpv1beta1.StorageMount{Path: "/tmp", Source: mcpv1beta1.StorageSource{Type: mcpv1beta1.StorageTypeEmptyDir, EmptyDir: &corev1.EmptyDirVolumeSource{}}}
	labelled := func(s *mcpv1beta1.MCPServer) { s.Labels = map[string]string{"team": "a", "cost-centre": "42"} }
	for name, tc := range map[string]struct {
		ref    string
		mutate func(*mcpv1beta1.MCPServer)
		want   string
	}{
		"pinned, labelled, one mount": {pinned, func(s *mcpv1beta1.MCPServer) {
			labelled(s)
			s.Spec.Config.Storage = []mcpv1beta1.StorageMount{emptyDir}
		}, ""},
		"a tag only":     {"quay.io/org/server:1", labelled, "is not pinned by digest"},
		"a short digest": {"quay.io/org/server@sha256:" + strings.Repeat("ab", 20), labelled, "is not pinned by digest"},
		"two mounts": {pinned, func(s *mcpv1beta1.MCPServer) {
			labelled(s)
			other := emptyDir
			other.Path = "/cache"
			s.Spec.Config.Storage = []mcpv1beta1.StorageMount{emptyDir, other}
		}, "spec.config.storage: Forbidden: 2 mounts, at most 1 are allowed"},
		"a label missing": {pinned, func(s *mcpv1beta1.MCPServer) { s.Labels = map[string]string{"team": "a"} },
			"metadata.labels: Required value: every MCPServer must carry the labels cost-centre"},
		"privileged": {pinned, func(s *mcpv1beta1.MCPServer) {
			labelled(s)
			s.Spec.Runtime.Security.SecurityContext = &corev1.SecurityContext{Privileged: ptr.To(true)}
		}, "spec.runtime.security: Forbidden: privileged security contexts"},
		"an added capability": {pinned, func(s *mcpv1beta1.MCPServer) {
			labelled(s)
			s.Spec.Runtime.Security.SecurityContext = &corev1.SecurityContext{Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"NET_ADMIN"}}}
		}, "privileged security contexts"},
		"root": {pinned, func(s *mcpv1beta1.MCPServer) {
			labelled(s)
			s.Spec.Runtime.Security.PodSecurityContext = &corev1.PodSecurityContext{RunAsUser: ptr.To[int64](0)}
		}, "privileged security contexts"},
		"a restricted context": {pinned, func(s *mcpv1beta1.MCPServer) {
			labelled(s)
			s.Spec.Runtime.Security.SecurityContext = &corev1.SecurityContext{AllowPrivilegeEscalation: ptr.To(false), RunAsNonRoot: ptr.To(true)}
		}, ""},
	} {
		eventually(t, name, func() (bool, string) {
			err := admitted(server(tc.ref, tc.mutate))
			if tc.want == "" {
				return err == nil, fmt.Sprint(err)
			}
			return err != nil && strings.Contains(err.Error(), tc.want), fmt.Sprint(err)
		})
	}

	if err := env.Client.Delete(context.Background(), params); err != nil {
		t.Fatal(err)
	}
	eventually(t, "without its parameters the policy refuses", func() (bool, string) {
		err := admitted(server("quay.io/org/server:1", nil))
		return err != nil, fmt.Sprint(err)
	})
}
