// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package references_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/references"
)

func server() *mcpv1beta1.MCPServer {
	s := &mcpv1beta1.MCPServer{}
	s.Spec.Config.Storage = []mcpv1beta1.StorageMount{
		{Path: "/etc/cfg", Source: mcpv1beta1.StorageSource{Type: mcpv1beta1.StorageTypeConfigMap, ConfigMap: &corev1.ConfigMapVolumeSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}, Items: []corev1.KeyToPath{{Key: "config.toml", Path: "c"}}}}},
		{Path: "/etc/creds", Source: mcpv1beta1.StorageSource{Type: mcpv1beta1.StorageTypeSecret, Secret: &corev1.SecretVolumeSource{
			SecretName: "creds", Optional: ptr.To(true)}}},
		{Path: "/tmp", Source: mcpv1beta1.StorageSource{Type: mcpv1beta1.StorageTypeEmptyDir, EmptyDir: &corev1.EmptyDirVolumeSource{}}},
	}
	s.Spec.Config.EnvFrom = []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "env"}}}}
	s.Spec.Config.Env = []corev1.EnvVar{
		{Name: "PLAIN", Value: "x"},
		{Name: "TOKEN", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "env"}, Key: "token"}}},
		{Name: "POD", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
	}
	s.Spec.Runtime.Security.ServiceAccountName = "runner"
	return s
}

func TestCollectFindsEveryReference(t *testing.T) {
	got := references.Collect(server())
	want := []references.Reference{
		{Kind: references.ConfigMap, Name: "cfg", Key: "config.toml", Where: "spec.config.storage[0] (mounted at /etc/cfg)"},
		{Kind: references.Secret, Name: "creds", Optional: true, Where: "spec.config.storage[1] (mounted at /etc/creds)"},
		{Kind: references.Secret, Name: "env", Where: "spec.config.envFrom[0].secretRef"},
		{Kind: references.Secret, Name: "env", Key: "token", Where: "spec.config.env TOKEN (valueFrom.secretKeyRef)"},
		{Kind: references.ServiceAccount, Name: "runner", Where: "spec.runtime.security.serviceAccountName"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("references (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"ConfigMap/cfg", "Secret/creds", "Secret/env", "ServiceAccount/runner"}, references.IndexKeys(server())); diff != "" {
		t.Errorf("index keys (-want +got):\n%s", diff)
	}
}

func TestProblems(t *testing.T) {
	refs := references.Collect(server())
	existing := map[references.Object]references.Found{
		{Kind: references.ConfigMap, Name: "cfg"}: {Exists: true, Keys: map[string]bool{"other": true}},
		{Kind: references.Secret, Name: "env"}:    {Exists: true, Keys: map[string]bool{"token": true}},
	}
	got := references.Problems(refs, func(o references.Object) references.Found { return existing[o] })
	want := []string{
		`ConfigMap "cfg" has no key "config.toml" (referenced by spec.config.storage[0] (mounted at /etc/cfg))`,
		`ServiceAccount "runner" not found (referenced by spec.runtime.security.serviceAccountName)`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestHashFollowsContentOnly(t *testing.T) {
	a := references.Digest{Object: references.Object{Kind: references.ConfigMap, Name: "a"}, Value: references.DigestData(map[string][]byte{"k": []byte("v")})}
	b := references.Digest{Object: references.Object{Kind: references.Secret, Name: "b"}, Value: references.DigestData(map[string][]byte{"x": []byte("1"), "y": []byte("2")})}
	if references.Hash([]references.Digest{a, b}) != references.Hash([]references.Digest{b, a}) {
		t.Error("the hash depends on the order of objects")
	}
	changed := b
	changed.Value = references.DigestData(map[string][]byte{"x": []byte("1"), "y": []byte("3")})
	if references.Hash([]references.Digest{a, b}) == references.Hash([]references.Digest{a, changed}) {
		t.Error("the hash did not change with the data")
	}
	// Moving bytes between key and value must change the digest.
	if references.DigestData(map[string][]byte{"ab": []byte("c")}) == references.DigestData(map[string][]byte{"a": []byte("bc")}) {
		t.Error("fields are not delimited")
	}
	if h := references.Hash(nil); h != "" {
		t.Errorf("hash of nothing %q, want empty", h)
	}
}
