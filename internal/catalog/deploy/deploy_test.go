// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package deploy

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcp-operator/mcp-operator/internal/catalog"
)

// kubernetesEntry is a catalog entry as catalog.Parse makes it, with a secret variable.
var kubernetesEntry = catalog.Entry{
	ID: "a--kubernetes-mcp-server", Name: "kubernetes-mcp-server", Image: "quay.io/containers/kubernetes_mcp_server:latest",
	Transports: []string{catalog.TransportStreamableHTTP}, Port: 9000, Path: "/api/mcp", Args: []string{"--read-only"},
	Env: []catalog.EnvVar{{Name: "TOKEN", Description: "API token", Required: true, Secret: true}},
}

func TestDeployRequest(t *testing.T) {
	e := kubernetesEntry
	req := Request{EntryID: e.ID, Name: "kube", Namespace: "team-a", Port: 9000, Path: "/api/mcp", Args: []string{"--read-only"},
		Env: []Env{{Name: "TOKEN", Value: "s3cret", Secret: false}, {Name: "LOG", Value: "debug"}}}
	if errs := req.Validate(e); len(errs) != 0 {
		t.Fatalf("a good request failed validation: %v", errs)
	}
	launch, err := LaunchOf(e, nil)
	if err != nil {
		t.Fatal(err)
	}
	server, secret := req.Objects(e, launch)
	if secret == nil || secret.StringData["TOKEN"] != "s3cret" || secret.Name != "kube-env" {
		t.Fatalf("secret %+v", secret)
	}
	if strings.Contains(toString(server), "s3cret") {
		t.Error("the value of a variable the catalog marks secret reached the MCPServer, because the request said it was not secret")
	}
	env := server.Spec.Config.Env
	if len(env) != 2 || env[0].ValueFrom == nil || env[0].ValueFrom.SecretKeyRef.Name != "kube-env" || env[1].Value != "debug" {
		t.Errorf("env %+v", env)
	}
	if server.Spec.Source.ContainerImage.Ref != e.Image || server.Spec.Config.Port != 9000 || server.Spec.Stdio != nil {
		t.Errorf("spec %+v", server.Spec)
	}

	bad := Request{EntryID: e.ID, Name: "Bad_Name", Namespace: "", ServiceAccount: "Not A Name", Port: 0, Path: "mcp", Args: []string{""},
		Env: []Env{{Name: "1X", Value: "v"}}}
	var fields []string
	for _, fe := range bad.Validate(e) {
		fields = append(fields, fe.Field)
	}
	if diff := cmp.Diff([]string{"name", "namespace", "env.1X", "env.TOKEN"}, fields); diff != "" {
		t.Errorf("field errors (-want +got):\n%s", diff)
	}
}

func toString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
