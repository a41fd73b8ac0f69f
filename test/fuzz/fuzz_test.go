// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package fuzz runs hostile specs through the whole path an MCPServer takes: the API server's
// validation, the chart rendering, and server-side apply of what was rendered (as a dry run),
// on a real kube-apiserver. `go test` runs the seeds; `go test -run NONE -fuzz FuzzSpecRenderApply
// -fuzztime 3m -parallel 1 ./test/fuzz` explores further (each fuzz worker starts its own API
// server, so one worker is plenty on a small machine).
package fuzz

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	helmcharts "github.com/mcp-operator/mcp-operator/helm-charts"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

var (
	env      *testenv.Env
	renderer *render.Renderer
)

func TestMain(m *testing.M) {
	keepFuzzPipesFromChildren()
	var err error
	if env, err = testenv.Start(testenv.Options{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if renderer, err = render.NewRenderer(helmcharts.MCPServer, helmcharts.MCPServerDir); err == nil {
		err = env.Client.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "fuzz"}})
	}
	code := 1
	if err == nil {
		code = m.Run()
	} else {
		fmt.Fprintln(os.Stderr, err)
	}
	_ = env.Stop()
	os.Exit(code)
}

var serial sync.Mutex

// FuzzSpecRenderApply: whatever the strings of a spec, the API server either refuses the
// MCPServer, or the operator renders it and the API server accepts the rendered objects or
// refuses them as invalid (which the operator reports in Accepted). Nothing panics, and the
// API server never fails with an internal error.
func FuzzSpecRenderApply(f *testing.F) {
	f.Add("quay.io/example/server:1.0", "/mcp", "team", "platform", "NOTE", "hello", "--verbose", "/etc/cfg")
	f.Add("registry.example.com:5000/a/b@sha256:0123456789abcdef0123456789abcdef", "/api/mcp", "example.com/tier", "x", "A_B", "", "--x=\"quoted\"", "/data")
	f.Add("quay.io/x:latest", "/mcp\n", "app", "override-attempt", "1BAD", "v", "", "/")
	f.Add("quay.io/x:1", "/m?q", "mcp-server", "hijack", "PATH", "$(HOME)", "{{ .Values }}", "/etc/mcp:1")
	f.Add("quay.io/x:1", "/\u2028", "k", "\x7f\u0085\ufffe", "E", "\x00", "\xff", "/tmp")
	f.Fuzz(func(t *testing.T, image, path, labelKey, labelValue, envName, envValue, arg, mountPath string) {
		serial.Lock()
		defer serial.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s := &mcpv1beta1.MCPServer{ObjectMeta: metav1.ObjectMeta{GenerateName: "fuzz-", Namespace: "fuzz"}}
		s.Spec.Source = mcpv1beta1.Source{Type: mcpv1beta1.SourceTypeContainerImage, ContainerImage: &mcpv1beta1.ContainerImageSource{Ref: image}}
		s.Spec.Config = mcpv1beta1.ServerConfig{Port: 8080, Path: path,
			Env:       []corev1.EnvVar{{Name: envName, Value: envValue}},
			Arguments: []string{arg},
			Storage: []mcpv1beta1.StorageMount{{Path: mountPath, Source: mcpv1beta1.StorageSource{
				Type: mcpv1beta1.StorageTypeEmptyDir, EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
		}
		s.Spec.ExtraLabels = map[string]string{labelKey: labelValue}
		s.Spec.ExtraAnnotations = map[string]string{labelKey: labelValue}
		if err := env.Client.Create(ctx, s); err != nil {
			if !apierrors.IsInvalid(err) && !apierrors.IsBadRequest(err) {
				t.Fatalf("creating the MCPServer failed with neither a validation error nor a bad request: %v", err)
			}
			return // the API server refused it, with a message for the user
		}
		defer func() { _ = env.Client.Delete(ctx, s) }()

		objs, err := renderer.Render(render.Request{Server: s, ConfigHash: "fuzz"})
		if err != nil {
			return // reported as RenderFailed; running objects are left alone
		}
		for _, obj := range objs {
			gvk, err := apiutil.GVKForObject(obj, env.Scheme)
			if err != nil {
				t.Fatal(err)
			}
			desired, err := render.ApplyConfiguration(obj, gvk)
			if err != nil {
				t.Fatalf("building the apply configuration of %s: %v", gvk.Kind, err)
			}
			err = env.Client.Apply(ctx, client.ApplyConfigurationFromUnstructured(desired),
				client.FieldOwner("mcp-operator"), client.ForceOwnership, client.DryRunAll)
			var status apierrors.APIStatus
			if err != nil && (!errors.As(err, &status) || status.Status().Code >= 500) {
				t.Fatalf("applying the rendered %s: %v", gvk.Kind, err)
			}
		}
	})
}

// keepFuzzPipesFromChildren: a fuzz worker talks to the fuzzing coordinator over inherited file
// descriptors 3 and 4. Without close-on-exec, the API server and etcd this test starts inherit
// them too and keep them open after the worker exits, and the coordinator, waiting for them to
// close, hangs instead of reporting what the worker found.
func keepFuzzPipesFromChildren() {
	if !slices.ContainsFunc(os.Args, func(a string) bool { return strings.HasPrefix(a, "-test.fuzzworker") }) {
		return
	}
	syscall.CloseOnExec(3)
	syscall.CloseOnExec(4)
}
