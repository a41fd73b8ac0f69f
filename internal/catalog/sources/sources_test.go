// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package sources_test

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
	"k8s.io/client-go/kubernetes"

	"github.com/mcp-operator/mcp-operator/internal/catalog/sources"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// The source tests watch ConfigMaps on a real kube-apiserver.
var env *testenv.Env

const waitDuration = 20 * time.Second

func TestMain(m *testing.M) {
	os.Exit(runSuite(m))
}

func runSuite(m *testing.M) int {
	var err error
	env, err = testenv.Start(testenv.Options{WithoutProjectCRDs: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = env.Stop() }()
	return m.Run()
}

func remoteEntry(name string) string {
	return fmt.Sprintf(`{"name": %q, "description": "d", "remotes": [{"type": "sse", "url": "https://%s.example.com/sse"}]}`, name, name)
}

// storeShows describes the store as "names | problems", for waiting on it.
func storeShows(store *sources.Store) string {
	var names []string
	for _, e := range store.Entries() {
		names = append(names, e.Name)
	}
	return strings.Join(names, ",") + " | " + strings.Join(store.Problems(), "; ")
}

func waitForStore(t *testing.T, store *sources.Store, what string, ok func(shown string) bool) {
	t.Helper()
	check.Eventually(t, waitDuration, what, func() (bool, string) {
		shown := storeShows(store)
		return ok(shown), shown
	})
}

func TestConfigMapSourcesFollowTheirConfigMaps(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const ns = "catalog-sources"
	c := env.Client
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatal(err)
	}
	labelled := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "team", Namespace: ns, Labels: map[string]string{"mcp.x-k8s.io/catalog": "true"}},
		Data:       map[string]string{"servers.json": "[" + remoteEntry("first") + "]"},
	}
	unlabelled := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "other", Namespace: ns},
		Data:       map[string]string{"servers.json": "[" + remoteEntry("not-a-source") + "]"},
	}
	for _, cm := range []*corev1.ConfigMap{labelled, unlabelled} {
		if err := c.Create(ctx, cm); err != nil {
			t.Fatal(err)
		}
	}
	clientset, err := kubernetes.NewForConfig(env.Config)
	if err != nil {
		t.Fatal(err)
	}
	store := sources.NewStore()
	if err := sources.WatchConfigMaps(ctx, clientset, ns, "mcp.x-k8s.io/catalog=true", store); err != nil {
		t.Fatal(err)
	}
	waitForStore(t, store, "the labelled ConfigMap's entry", func(s string) bool { return s == "first | " })

	labelled.Data = map[string]string{
		"servers.json": "[" + remoteEntry("first") + "," + remoteEntry("second") + `, {"name": "no-way-to-run", "packages": []}]`,
		"broken.yaml":  "mcp_servers: [{{",
	}
	if err := c.Update(ctx, labelled); err != nil {
		t.Fatal(err)
	}
	waitForStore(t, store, "the edit, with the malformed parts reported and the rest kept", func(s string) bool {
		return strings.HasPrefix(s, "first,second | ") && strings.Contains(s, "broken.yaml: not YAML or JSON") && strings.Contains(s, "no-way-to-run")
	})

	if err := c.Delete(ctx, labelled); err != nil {
		t.Fatal(err)
	}
	waitForStore(t, store, "the deleted ConfigMap's entries gone", func(s string) bool { return s == " | " })
}

func TestFileSourcesAreReloadedWhenTheyChange(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	file := filepath.Join(t.TempDir(), "catalog.json")
	write := func(content string, mtime time.Time) {
		t.Helper()
		if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		// Distinct modification times, so that a change is seen however coarse the clock.
		if err := os.Chtimes(file, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now().Add(-time.Hour)
	write(remoteEntry("one"), start)
	store := sources.NewStore()
	done := make(chan struct{})
	go func() {
		defer close(done)
		store.WatchFiles(ctx, []string{file}, 50*time.Millisecond)
	}()
	waitForStore(t, store, "the file's entry", func(s string) bool { return s == "one | " })
	if source := store.Entries()[0].Source; source != "file:"+file {
		t.Errorf("the entry's source is %q, want file:%s", source, file)
	}

	write("["+remoteEntry("one")+","+remoteEntry("two")+"]", start.Add(time.Minute))
	waitForStore(t, store, "the changed file", func(s string) bool { return s == "one,two | " })

	write("not: [valid", start.Add(2*time.Minute))
	waitForStore(t, store, "the broken file reported", func(s string) bool {
		return strings.HasPrefix(s, " | ") && strings.Contains(s, "not YAML or JSON")
	})

	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	waitForStore(t, store, "the removed file reported", func(s string) bool {
		return strings.HasPrefix(s, " | ") && strings.Contains(s, "no such file")
	})
	cancel()
	<-done
}
