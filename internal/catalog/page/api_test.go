// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package page_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/catalog/deploy"
	"github.com/mcp-operator/mcp-operator/internal/catalog/sources"
)

type catalogPage struct {
	Items []struct {
		ID     string `json:"id"`
		Name   string `json:"name"`
		Deploy struct {
			Enabled bool           `json:"enabled"`
			Reason  string         `json:"reason"`
			Run     *deploy.Launch `json:"run"`
		} `json:"deploy"`
	} `json:"items"`
	Total  int `json:"total"`
	Shown  int `json:"shown"`
	Facets struct {
		Transports []facetValue `json:"transports"`
		Labels     []facetValue `json:"labels"`
		Providers  []facetValue `json:"providers"`
		Modes      []facetValue `json:"modes"`
	} `json:"facets"`
	Problems []string `json:"problems"`
}

type facetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

func (p catalogPage) names() []string {
	var names []string
	for _, item := range p.Items {
		names = append(names, item.Name)
	}
	return names
}

type apiError struct {
	Error  string `json:"error"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

func TestCatalogListingAndFilters(t *testing.T) {
	s := newSession(t, catalogURL, "bob")
	var all catalogPage
	s.expect("GET", "/api/catalog", nil, http.StatusOK, &all)
	if diff := cmp.Diff([]string{"hosted", "sample", "stdio-tool", "untagged", "io.example/weather"}, all.names()); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	if all.Total != 5 || all.Shown != 5 {
		t.Errorf("counts %d of %d, want 5 of 5", all.Shown, all.Total)
	}
	if diff := cmp.Diff([]facetValue{{"sse", 2}, {"stdio", 1}, {"streamable-http", 3}}, all.Facets.Transports); diff != "" {
		t.Errorf("transport facets (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]facetValue{{"demo", 2}, {"secure", 1}}, all.Facets.Labels); diff != "" {
		t.Errorf("label facets (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]facetValue{{"local", 4}, {"remote", 1}}, all.Facets.Modes); diff != "" {
		t.Errorf("mode facets (-want +got):\n%s", diff)
	}
	if len(all.Problems) != 1 || !strings.Contains(all.Problems[0], "broken entry without an artifact") {
		t.Errorf("the malformed entry was not reported: %v", all.Problems)
	}

	filters := map[string][]string{
		"?q=echo":                               {"sample"},             // a tool name
		"?q=ELSEWHERE":                          {"hosted"},             // the provider, any case
		"?q=forecasts":                          {"io.example/weather"}, // the description
		"?transport=sse":                        {"hosted", "io.example/weather"},
		"?transport=stdio&transport=sse":        {"hosted", "stdio-tool", "io.example/weather"},
		"?label=secure":                         {"sample"},
		"?label=demo&transport=streamable-http": {"hosted", "sample"},
		"?q=nothing-is-called-this":             nil,
		"?provider=Test+Provider&mode=local":    {"sample", "stdio-tool", "untagged"},
		"?mode=remote":                          {"hosted"},
	}
	for query, want := range filters {
		var page catalogPage
		s.expect("GET", "/api/catalog"+query, nil, http.StatusOK, &page)
		if diff := cmp.Diff(want, page.names()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", query, diff)
		}
		if page.Shown != len(want) || page.Total != 5 {
			t.Errorf("%s: counts %d of %d, want %d of 5", query, page.Shown, page.Total, len(want))
		}
	}

	reasons := map[string]string{}
	runs := map[string]deploy.Launch{}
	for _, item := range all.Items {
		if !item.Deploy.Enabled {
			reasons[item.Name] = item.Deploy.Reason
		}
		if item.Deploy.Run != nil {
			runs[item.Name] = *item.Deploy.Run
		}
	}
	if !strings.Contains(reasons["hosted"], "runs elsewhere") || len(reasons) != 1 {
		t.Errorf("deploy disabled for %v; want exactly the remote entry", reasons)
	}
	launches := cmpopts.IgnoreUnexported(deploy.Launch{})
	if diff := cmp.Diff(deploy.Launch{Image: "registry.example.com/mcp/stdio:1.0", Stdio: true}, runs["stdio-tool"], launches); diff != "" {
		t.Errorf("the stdio-only entry runs its image's command behind the bridge (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(deploy.Launch{Image: "registry.example.com/mcp/sample:1.0"}, runs["sample"], launches); diff != "" {
		t.Errorf("the HTTP entry (-want +got):\n%s", diff)
	}
}

func TestEntryDetails(t *testing.T) {
	s := newSession(t, catalogURL, "bob")
	var details struct {
		Entry struct {
			Image string `json:"image"`
			Tools []struct {
				Name string `json:"name"`
			} `json:"tools"`
		} `json:"entry"`
		ReadmeHTML string `json:"readmeHTML"`
	}
	s.expect("GET", "/api/catalog/"+sampleID, nil, http.StatusOK, &details)
	if details.Entry.Image != "registry.example.com/mcp/sample:1.0" || len(details.Entry.Tools) != 2 {
		t.Errorf("details %+v", details.Entry)
	}
	if !strings.Contains(details.ReadmeHTML, "<strong>bold</strong>") {
		t.Errorf("the README is not rendered: %s", details.ReadmeHTML)
	}
	for _, bad := range []string{"<script", "onerror", "javascript:", "__pwned"} {
		if strings.Contains(details.ReadmeHTML, bad) {
			t.Errorf("the rendered README contains %q: %s", bad, details.ReadmeHTML)
		}
	}
	s.expect("GET", "/api/catalog/no-such-entry", nil, http.StatusNotFound, nil)
}

func TestDeployCreatesTheServerAndASecretForSecretValues(t *testing.T) {
	ctx := context.Background()
	s := newSession(t, catalogURL, "alice")
	s.expect("POST", "/api/deployments", map[string]any{
		"entryId": sampleID, "name": "sample-one", "namespace": teamA, "port": 9090, "path": "/api/mcp",
		"args": []string{"--verbose", "--color=never"}, "serviceAccount": "mcp-viewer",
		"env": []map[string]any{{"name": "API_KEY", "value": "k3y-value", "secret": true}, {"name": "LOG_LEVEL", "value": "debug"}},
	}, http.StatusCreated, nil)

	server := &mcpv1beta1.MCPServer{}
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: teamA, Name: "sample-one"}, server); err != nil {
		t.Fatal(err)
	}
	wantSpec := mcpv1beta1.MCPServerSpec{
		Source: mcpv1beta1.Source{Type: mcpv1beta1.SourceTypeContainerImage,
			ContainerImage: &mcpv1beta1.ContainerImageSource{Ref: "registry.example.com/mcp/sample:1.0"}},
		Config: mcpv1beta1.ServerConfig{Port: 9090, Path: "/api/mcp", Arguments: []string{"--verbose", "--color=never"}, Env: []corev1.EnvVar{
			{Name: "API_KEY", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: "sample-one-env"}, Key: "API_KEY"}}},
			{Name: "LOG_LEVEL", Value: "debug"},
		}},
	}
	// Compare what the form decided; the API server fills defaults besides.
	got := server.Spec
	if diff := cmp.Diff(wantSpec.Source, got.Source); diff != "" {
		t.Errorf("source (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantSpec.Config.Env, got.Config.Env); diff != "" {
		t.Errorf("env (-want +got):\n%s", diff)
	}
	if got.Config.Port != 9090 || got.Config.Path != "/api/mcp" || !cmp.Equal(got.Config.Arguments, wantSpec.Config.Arguments) {
		t.Errorf("config %+v", got.Config)
	}
	if got.Runtime.Security.ServiceAccountName != "mcp-viewer" {
		t.Errorf("service account %q", got.Runtime.Security.ServiceAccountName)
	}
	raw, _ := json.Marshal(server)
	if strings.Contains(string(raw), "k3y-value") {
		t.Error("the secret value is in the MCPServer")
	}

	secret := &corev1.Secret{}
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: teamA, Name: "sample-one-env"}, secret); err != nil {
		t.Fatal(err)
	}
	if string(secret.Data["API_KEY"]) != "k3y-value" || len(secret.Data) != 1 {
		t.Errorf("secret data %v", secret.Data)
	}
	owners := secret.OwnerReferences
	if len(owners) != 1 || owners[0].UID != server.UID || owners[0].Kind != "MCPServer" {
		t.Errorf("the Secret is not owned by its MCPServer (so it would outlive it): %+v", owners)
	}

	t.Run("the same name again is a conflict and leaves the first deployment alone", func(t *testing.T) {
		var e apiError
		s.expect("POST", "/api/deployments", map[string]any{
			"entryId": sampleID, "name": "sample-one", "namespace": teamA, "port": 8080, "path": "/mcp",
			"env": []map[string]any{{"name": "API_KEY", "value": "other", "secret": true}},
		}, http.StatusConflict, &e)
		if !strings.Contains(e.Error, "already exists") {
			t.Errorf("error %q", e.Error)
		}
		if err := env.Client.Get(ctx, client.ObjectKeyFromObject(secret), secret); err != nil || string(secret.Data["API_KEY"]) != "k3y-value" {
			t.Errorf("the first deployment's Secret changed or went away: %v %v", err, secret.Data)
		}
	})
}

func TestDeployRefusals(t *testing.T) {
	ctx := context.Background()
	alice := newSession(t, catalogURL, "alice")
	deploy := func(entry, name string) map[string]any {
		return map[string]any{"entryId": entry, "name": name, "namespace": teamA, "port": 8080, "path": "/mcp"}
	}
	cases := []struct {
		name    string
		session *session
		body    any
		status  int
		error   string
		fields  []string
	}{
		{"a remote server", alice, deploy(hostedID, "hosted"), http.StatusConflict, "runs elsewhere", nil},
		{"an unknown entry", alice, deploy("nope", "x"), http.StatusNotFound, "no such catalog entry", nil},
		{"a bad form", alice, map[string]any{"entryId": sampleID, "name": "Not_A_Name", "namespace": teamA, "port": 70000, "path": "mcp"},
			http.StatusBadRequest, "Correct the fields marked below.", []string{"name", "env.API_KEY", "port", "path"}},
		{"what the CRD decides, asked of the API server by a dry run", alice,
			map[string]any{"entryId": weatherID, "name": "weather", "namespace": teamA, "port": 8080, "path": "/mcp x", "serviceAccount": "Not A Name"},
			http.StatusUnprocessableEntity, "The cluster rejected the MCPServer.", []string{"path", "serviceAccount"}},
		{"a port out of range, by the CRD's schema", alice,
			map[string]any{"entryId": weatherID, "name": "weather", "namespace": teamA, "port": 70000, "path": "/mcp"},
			http.StatusUnprocessableEntity, "The cluster rejected the MCPServer.", []string{"port"}},
		{"what only the API server rejects", alice, deploy(untaggedID, "untagged"), http.StatusUnprocessableEntity,
			"The cluster rejected the MCPServer.", []string{"spec.source.containerImage.ref"}},
		{"a person who may only look", newSession(t, catalogURL, "bob"), deploy(weatherID, "weather"), http.StatusForbidden,
			"Not allowed: ", nil},
		{"a person who may only look, with a secret", newSession(t, catalogURL, "bob"),
			map[string]any{"entryId": sampleID, "name": "bobs", "namespace": teamA, "port": 8080, "path": "/mcp",
				"env": []map[string]any{{"name": "API_KEY", "value": "v", "secret": true}}},
			http.StatusForbidden, "Not allowed: ", nil},
		{"a person allowed elsewhere", alice, map[string]any{"entryId": weatherID, "name": "w", "namespace": teamB, "port": 8080, "path": "/mcp"},
			http.StatusForbidden, "Not allowed: ", nil},
		{"no identity", newSession(t, catalogURL, "nobody"), deploy(weatherID, "anon"), http.StatusUnauthorized, "sign in", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var e apiError
			tc.session.expect("POST", "/api/deployments", tc.body, tc.status, &e)
			if !strings.Contains(e.Error, tc.error) {
				t.Errorf("error %q, want it to contain %q", e.Error, tc.error)
			}
			var fields []string
			for _, f := range e.Errors {
				fields = append(fields, f.Field)
			}
			// The API server gathers a CRD's CEL errors in no fixed order.
			sort.Strings(fields)
			want := slices.Clone(tc.fields)
			sort.Strings(want)
			if diff := cmp.Diff(want, fields); diff != "" {
				t.Errorf("field errors (-want +got):\n%s\n%+v", diff, e.Errors)
			}
		})
	}
	for _, name := range []string{"hosted", "untagged", "weather", "bobs", "w", "anon"} {
		for _, ns := range []string{teamA, teamB} {
			if err := env.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &mcpv1beta1.MCPServer{}); !apierrors.IsNotFound(err) {
				t.Errorf("a refused deployment left MCPServer %s/%s behind (%v)", ns, name, err)
			}
		}
	}
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: teamA, Name: "bobs-env"}, &corev1.Secret{}); !apierrors.IsNotFound(err) {
		t.Errorf("a refused deployment left its Secret behind (%v)", err)
	}

	t.Run("a bad token", func(t *testing.T) {
		s := newSession(t, catalogURL, "nobody")
		s.token = "not-a-token"
		var e apiError
		s.expect("POST", "/api/deployments", deploy(weatherID, "bad-token"), http.StatusUnauthorized, &e)
		if !strings.Contains(e.Error, "sign in again") {
			t.Errorf("error %q", e.Error)
		}
	})
}

func TestStateChangesNeedTheSessionsCSRFToken(t *testing.T) {
	body := map[string]any{"entryId": weatherID, "name": "csrf", "namespace": teamA, "port": 8080, "path": "/mcp"}
	forged := newSession(t, catalogURL, "alice")
	forged.csrf = "guessed"
	forged.expect("POST", "/api/deployments", body, http.StatusForbidden, nil)
	forged.expect("DELETE", "/api/deployments/"+teamA+"/anything", nil, http.StatusForbidden, nil)

	s := newSession(t, catalogURL, "alice")
	req, _ := http.NewRequest("POST", catalogURL+"/api/deployments", strings.NewReader(`{"entryId":"x"}`))
	req.Header.Set("Authorization", "Bearer "+tokens["alice"])
	req.Header.Set("X-CSRF-Token", s.csrf)
	req.Header.Set("Content-Type", "text/plain") // what a cross-site form can send
	if resp, err := s.browser.Do(req); err != nil || resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("a text/plain POST: %v %v", resp, err)
	}
	req, _ = http.NewRequest("POST", catalogURL+"/api/deployments", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer "+tokens["alice"])
	req.Header.Set("X-CSRF-Token", s.csrf)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "https://evil.example.com")
	if resp, err := s.browser.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("a cross-origin POST: %v %v", resp, err)
	}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: teamA, Name: "csrf"}, &mcpv1beta1.MCPServer{}); !apierrors.IsNotFound(err) {
		t.Errorf("a forged request created an MCPServer (%v)", err)
	}
}

func TestDeployIsDisabledWithoutTheMCPServerAPI(t *testing.T) {
	s := newSession(t, startBareCatalog(t), "nobody")
	var page catalogPage
	s.expect("GET", "/api/catalog", nil, http.StatusOK, &page)
	for _, item := range page.Items {
		if item.Deploy.Enabled {
			t.Errorf("%s can be deployed to a cluster without the MCPServer API", item.Name)
		}
		if item.Name == "sample" && !strings.Contains(item.Deploy.Reason, "is not installed in this cluster") {
			t.Errorf("reason %q", item.Deploy.Reason)
		}
	}
	var e apiError
	s.expect("POST", "/api/deployments", map[string]any{"entryId": sampleID, "name": "x", "namespace": "default", "port": 8080, "path": "/mcp",
		"env": []map[string]any{{"name": "API_KEY", "value": "v", "secret": true}}}, http.StatusConflict, &e)
	if !strings.Contains(e.Error, "install the MCP operator first") {
		t.Errorf("error %q", e.Error)
	}
}

type deploymentsPage struct {
	Items []struct {
		Name        string `json:"name"`
		Namespace   string `json:"namespace"`
		Status      string `json:"status"`
		Message     string `json:"message"`
		URL         string `json:"url"`
		ExternalURL string `json:"externalURL"`
		Tools       *int32 `json:"tools"`
	} `json:"items"`
}

func (p deploymentsPage) statuses(prefix string) map[string]string {
	got := map[string]string{}
	for _, d := range p.Items {
		if strings.HasPrefix(d.Name, prefix) {
			got[d.Namespace+"/"+d.Name] = d.Status + ": " + d.Message
		}
	}
	return got
}

func TestDeploymentsShowStatusFromConditions(t *testing.T) {
	ctx := context.Background()
	condition := func(typ string, status metav1.ConditionStatus, reason, msg string) metav1.Condition {
		return metav1.Condition{Type: typ, Status: status, Reason: reason, Message: msg, LastTransitionTime: metav1.Now()}
	}
	servers := []struct {
		namespace, name string
		conditions      []metav1.Condition
	}{
		{teamA, "st-available", []metav1.Condition{
			condition(mcpv1beta1.ConditionAccepted, metav1.ConditionTrue, mcpv1beta1.ReasonValid, "ok"),
			condition(mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1beta1.ReasonAvailable, "1 of 1 replicas available")}},
		{teamA, "st-new", nil},
		{teamA, "st-initializing", []metav1.Condition{
			condition(mcpv1beta1.ConditionAccepted, metav1.ConditionTrue, mcpv1beta1.ReasonValid, "ok"),
			condition(mcpv1alpha1.ConditionReady, metav1.ConditionUnknown, mcpv1beta1.ReasonInitializing, "waiting for pods to become ready")}},
		{teamA, "st-invalid", []metav1.Condition{
			condition(mcpv1beta1.ConditionAccepted, metav1.ConditionFalse, mcpv1beta1.ReasonInvalid, `ConfigMap "cfg" not found`),
			condition(mcpv1alpha1.ConditionReady, metav1.ConditionFalse, mcpv1beta1.ReasonConfigurationInvalid, "nothing is rolled out")}},
		{teamA, "st-crashing", []metav1.Condition{
			condition(mcpv1beta1.ConditionAccepted, metav1.ConditionTrue, mcpv1beta1.ReasonValid, "ok"),
			condition(mcpv1alpha1.ConditionReady, metav1.ConditionFalse, mcpv1beta1.ReasonDeploymentUnavailable, "0 of 1 replicas available: CrashLoopBackOff")}},
		{teamB, "st-elsewhere", nil},
	}
	for _, s := range servers {
		server := &mcpv1beta1.MCPServer{
			ObjectMeta: metav1.ObjectMeta{Name: s.name, Namespace: s.namespace},
			Spec: mcpv1beta1.MCPServerSpec{Source: mcpv1beta1.Source{Type: mcpv1beta1.SourceTypeContainerImage,
				ContainerImage: &mcpv1beta1.ContainerImageSource{Ref: "registry.example.com/mcp/sample:1.0"}},
				Config: mcpv1beta1.ServerConfig{Port: 8080}},
		}
		if err := env.Client.Create(ctx, server); err != nil {
			t.Fatal(err)
		}
		if s.conditions == nil {
			continue
		}
		for _, c := range s.conditions {
			setAsOperator(&server.Status.Conditions, c)
		}
		if s.name == "st-available" {
			server.Status.Address = &mcpv1beta1.MCPServerAddress{URL: "http://st-available.team-a.svc.cluster.local:8080/mcp",
				ExternalURL: "https://st-available.apps.example.com/mcp"}
			server.Status.Tools = &mcpv1beta1.MCPServerTools{Count: 3}
		}
		if err := env.Client.Status().Update(ctx, server); err != nil {
			t.Fatal(err)
		}
	}

	// A server made, and reported on, through v1alpha1 (an upstream client or operator) is
	// listed like the others: the page reads v1beta1, the conversion split its Ready.
	alpha := &mcpv1alpha1.MCPServer{
		ObjectMeta: metav1.ObjectMeta{Name: "st-alpha", Namespace: teamA},
		Spec: mcpv1alpha1.MCPServerSpec{Source: mcpv1alpha1.Source{Type: mcpv1alpha1.SourceTypeContainerImage,
			ContainerImage: &mcpv1alpha1.ContainerImageSource{Ref: "registry.example.com/mcp/sample:1.0"}},
			Config: mcpv1alpha1.ServerConfig{Port: 8080}},
	}
	if err := env.Client.Create(ctx, alpha); err != nil {
		t.Fatal(err)
	}
	alpha.Status.Conditions = []metav1.Condition{condition(mcpv1alpha1.ConditionReady, metav1.ConditionTrue, mcpv1alpha1.ReasonAvailable, "1 of 1 replicas available")}
	if err := env.Client.Status().Update(ctx, alpha); err != nil {
		t.Fatal(err)
	}

	var inTeamA deploymentsPage
	newSession(t, catalogURL, "bob").expect("GET", "/api/deployments?namespace="+teamA, nil, http.StatusOK, &inTeamA)
	want := map[string]string{
		"team-a/st-available":    "Available: 1 of 1 replicas available",
		"team-a/st-new":          "Pending: waiting for the operator",
		"team-a/st-initializing": "Pending: waiting for pods to become ready",
		"team-a/st-invalid":      `Failed: ConfigMap "cfg" not found`,
		"team-a/st-crashing":     "Failed: 0 of 1 replicas available: CrashLoopBackOff",
		"team-a/st-alpha":        "Available: 1 of 1 replicas available",
	}
	if diff := cmp.Diff(want, inTeamA.statuses("st-")); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	for _, d := range inTeamA.Items {
		if d.Name == "st-available" && (d.URL != "http://st-available.team-a.svc.cluster.local:8080/mcp" ||
			d.ExternalURL != "https://st-available.apps.example.com/mcp" || d.Tools == nil || *d.Tools != 3) {
			t.Errorf("the available server shows %+v", d)
		}
	}

	t.Run("every namespace a person can see", func(t *testing.T) {
		var everywhere deploymentsPage
		newSession(t, catalogURL, "carol").expect("GET", "/api/deployments", nil, http.StatusOK, &everywhere)
		if _, ok := everywhere.statuses("st-")["team-b/st-elsewhere"]; !ok || len(everywhere.statuses("st-")) != 7 {
			t.Errorf("someone who may list everywhere sees %v", keys(everywhere.statuses("st-")))
		}
		// alice may not list across namespaces; her projects are listed one by one, and the
		// project she may not look into is left out.
		var hers deploymentsPage
		newSession(t, catalogURL, "alice").expect("GET", "/api/deployments", nil, http.StatusOK, &hers)
		if diff := cmp.Diff(keys(want), keys(hers.statuses("st-"))); diff != "" {
			t.Errorf("alice sees (-want +got):\n%s", diff)
		}
		// bob has no project list to fall back on: he is told, not shown a stack trace.
		var e apiError
		newSession(t, catalogURL, "bob").expect("GET", "/api/deployments", nil, http.StatusForbidden, &e)
		if !strings.HasPrefix(e.Error, "Not allowed: ") || !strings.Contains(e.Error, "mcpservers") {
			t.Errorf("error %q", e.Error)
		}
		newSession(t, catalogURL, "bob").expect("GET", "/api/deployments?namespace="+teamB, nil, http.StatusForbidden, nil)
	})
}

func TestDeleteADeployment(t *testing.T) {
	ctx := context.Background()
	server := &mcpv1beta1.MCPServer{
		ObjectMeta: metav1.ObjectMeta{Name: "to-delete", Namespace: teamA},
		Spec: mcpv1beta1.MCPServerSpec{Source: mcpv1beta1.Source{Type: mcpv1beta1.SourceTypeContainerImage,
			ContainerImage: &mcpv1beta1.ContainerImageSource{Ref: "registry.example.com/mcp/sample:1.0"}},
			Config: mcpv1beta1.ServerConfig{Port: 8080}},
	}
	if err := env.Client.Create(ctx, server); err != nil {
		t.Fatal(err)
	}
	path := "/api/deployments/" + teamA + "/to-delete"

	var e apiError
	newSession(t, catalogURL, "bob").expect("DELETE", path, nil, http.StatusForbidden, &e)
	if !strings.HasPrefix(e.Error, "Not allowed: ") {
		t.Errorf("error %q", e.Error)
	}
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(server), server); err != nil {
		t.Fatalf("a refused delete deleted the server: %v", err)
	}

	alice := newSession(t, catalogURL, "alice")
	alice.expect("DELETE", path, nil, http.StatusNoContent, nil)
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(server), server); !apierrors.IsNotFound(err) {
		t.Errorf("the server is still there: %v", err)
	}
	alice.expect("DELETE", path, nil, http.StatusNotFound, nil)
}

func keys(m map[string]string) []string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	sort.Strings(k)
	return k
}

// TestCatalogJSONHasNoNull: the page reads every list of the answer; a null where a list
// belongs once left the page blank for every new user (the default catalog has no problems).
func TestCatalogJSONHasNoNull(t *testing.T) {
	shipped := sources.NewStore()
	if err := shipped.LoadBuiltin(); err != nil {
		t.Fatal(err)
	}
	for name, store := range map[string]*sources.Store{"the shipped catalog": shipped, "an empty catalog": sources.NewStore()} {
		t.Run(name, func(t *testing.T) {
			s := newSession(t, startCatalogOf(t, store), "alice")
			for _, path := range []string{"/api/catalog", "/api/catalog?q=nothing-is-called-this"} {
				status, body := s.do("GET", path, nil)
				if status != http.StatusOK || strings.Contains(string(body), "null") {
					t.Errorf("GET %s: %d %s", path, status, body)
				}
			}
		})
	}
}

func TestFavicon(t *testing.T) {
	s := newSession(t, catalogURL, "nobody")
	for _, path := range []string{"/favicon.ico", "/favicon.svg", "/vendor/patternfly/patternfly.css", "/vendor/patternfly/LICENSE"} {
		if status, body := s.do("GET", path, nil); status != http.StatusOK || len(body) == 0 {
			t.Errorf("GET %s: %d", path, status)
		}
	}
}
