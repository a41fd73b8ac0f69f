// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package mcpprobe_test

import (
	"context"
	"crypto/tls"
	"net/http"
	"strings"
	"testing"

	"github.com/mcp-operator/mcp-operator/internal/mcpprobe"
	"github.com/mcp-operator/mcp-operator/internal/testing/mcptest"
)

// TestProbeOverTLS: an https endpoint is verified against the CA bundle alone (the right CA
// passes, another CA fails in words naming the certificate), skip-verify passes anything, and
// the system roots do not know a private CA.
func TestProbeOverTLS(t *testing.T) {
	ca, err := mcptest.NewTestCA("secure.team.svc.cluster.local")
	if err != nil {
		t.Fatal(err)
	}
	other, err := mcptest.NewTestCA("secure.team.svc.cluster.local")
	if err != nil {
		t.Fatal(err)
	}
	s := startMCP(t, mcptest.ServerOptions{Name: "secure", Version: "1", Tools: []string{"a"}, TLS: &ca.Cert})
	resolver := mcpprobe.NewResolver()
	if err := resolver.Set("secure.team.svc.cluster.local:443:" + s.Addr); err != nil {
		t.Fatal(err)
	}
	url := "https://secure.team.svc.cluster.local:443/mcp"
	prober := mcpprobe.New(mcpprobe.Config{Resolver: resolver})
	for name, tc := range map[string]struct {
		tls  mcpprobe.TLS
		want mcpprobe.Outcome
		msg  string
	}{
		"the server's CA":             {mcpprobe.TLS{CABundle: string(ca.CABundle)}, mcpprobe.OutcomeReady, ""},
		"another CA":                  {mcpprobe.TLS{CABundle: string(other.CABundle)}, mcpprobe.OutcomeFailed, "could not be verified"},
		"the system roots":            {mcpprobe.TLS{}, mcpprobe.OutcomeFailed, "could not be verified"},
		"verification off":            {mcpprobe.TLS{InsecureSkipVerify: true}, mcpprobe.OutcomeReady, ""},
		"verification off, other CA ": {mcpprobe.TLS{CABundle: string(other.CABundle), InsecureSkipVerify: true}, mcpprobe.OutcomeReady, ""},
	} {
		res := prober.Probe(context.Background(), url, tc.tls)
		if res.Outcome != tc.want || !strings.Contains(res.Message, tc.msg) {
			t.Errorf("%s: %s (%s), want %s with %q", name, res.Outcome, res.Message, tc.want, tc.msg)
		}
	}
}

// TestProbeRefusesOldTLS: a server that offers nothing newer than TLS 1.1 is not spoken to.
func TestProbeRefusesOldTLS(t *testing.T) {
	ca, err := mcptest.NewTestCA("old.team.svc.cluster.local")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.NotFoundHandler(), TLSConfig: &tls.Config{
		Certificates: []tls.Certificate{ca.Cert}, MaxVersion: tls.VersionTLS11, MinVersion: tls.VersionTLS10, //nolint:gosec // the old server under test
	}}
	resolver := mcpprobe.NewResolver()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", srv.TLSConfig)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	if err := resolver.Set("old.team.svc.cluster.local:443:" + ln.Addr().String()); err != nil {
		t.Fatal(err)
	}
	res := mcpprobe.New(mcpprobe.Config{Resolver: resolver}).Probe(context.Background(), "https://old.team.svc.cluster.local:443/mcp",
		mcpprobe.TLS{CABundle: string(ca.CABundle)})
	if res.Outcome != mcpprobe.OutcomeFailed || !strings.Contains(strings.ToLower(res.Message), "version") {
		t.Errorf("%s (%s), want a failure about the protocol version", res.Outcome, res.Message)
	}
}

// TestTLSProfileRaisesTheFloorOnly: TLS_MIN_VERSION=1.3 refuses a server that stops at 1.2;
// nothing lowers the floor below 1.2, and unknown names are errors.
func TestTLSProfileRaisesTheFloorOnly(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	p, err := mcpprobe.TLSProfileFromEnv(env(map[string]string{"TLS_MIN_VERSION": "VersionTLS13", "TLS_GROUPS": "X25519, P-256",
		"TLS_CIPHER_SUITES": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}))
	if err != nil || p.MinVersion != tls.VersionTLS13 || len(p.CurvePreferences) != 2 || len(p.CipherSuites) != 1 {
		t.Fatalf("profile %+v, %v", p, err)
	}
	for _, bad := range []map[string]string{{"TLS_MIN_VERSION": "1.1"}, {"TLS_CIPHER_SUITES": "TLS_RSA_WITH_RC4_128_SHA"}, {"TLS_GROUPS": "P-224"}} {
		if _, err := mcpprobe.TLSProfileFromEnv(env(bad)); err == nil {
			t.Errorf("%v was accepted", bad)
		}
	}
	if p, err := mcpprobe.TLSProfileFromEnv(env(nil)); err != nil || p.MinVersion != tls.VersionTLS12 {
		t.Errorf("the default profile %+v, %v: want TLS 1.2", p, err)
	}

	ca, err := mcptest.NewTestCA("tls12.team.svc.cluster.local")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.NotFoundHandler(), TLSConfig: &tls.Config{Certificates: []tls.Certificate{ca.Cert}, MaxVersion: tls.VersionTLS12}}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", srv.TLSConfig)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	resolver := mcpprobe.NewResolver()
	if err := resolver.Set("tls12.team.svc.cluster.local:443:" + ln.Addr().String()); err != nil {
		t.Fatal(err)
	}
	res := mcpprobe.New(mcpprobe.Config{Resolver: resolver, TLS: p}).Probe(context.Background(), "https://tls12.team.svc.cluster.local:443/mcp",
		mcpprobe.TLS{CABundle: string(ca.CABundle)})
	if res.Outcome != mcpprobe.OutcomeFailed || !strings.Contains(res.Message, "TLS handshake") {
		t.Errorf("%s (%s), want the TLS 1.2-only server refused under TLS_MIN_VERSION=1.3", res.Outcome, res.Message)
	}
}
