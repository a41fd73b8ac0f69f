// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package prometheus checks the operator's alerts (config/prometheus/rules.yaml) with
// Prometheus's own code at v0.316.0: the rule file passes the checks of `promtool check rules`
// (rulefmt's parsing and validation, templates included), and each alert, evaluated by
// Prometheus's rule engine over series shaped as the operator exports them, fires after its
// `for` and not before, and stays quiet for healthy series. It is a module of its own so that
// Prometheus's dependencies do not move the operator's.
package prometheus

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/promql/promqltest"
	"github.com/prometheus/prometheus/rules"
	"sigs.k8s.io/yaml"
)

// ruleGroups reads the PrometheusRule's spec, which is a Prometheus rule file.
func ruleGroups(t *testing.T) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "config", "prometheus", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var rule struct {
		Kind string         `json:"kind"`
		Spec map[string]any `json:"spec"`
	}
	if err := yaml.Unmarshal(raw, &rule); err != nil {
		t.Fatal(err)
	}
	if rule.Kind != "PrometheusRule" {
		t.Fatalf("rules.yaml holds a %q, want a PrometheusRule", rule.Kind)
	}
	spec, err := yaml.Marshal(rule.Spec)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

func parse(t *testing.T) *rulefmt.RuleGroups {
	t.Helper()
	groups, errs := rulefmt.Parse(ruleGroups(t), false, model.UTF8Validation, parser.NewParser(parser.Options{}), nil)
	for _, err := range errs {
		t.Errorf("promtool check rules: %v", err)
	}
	if groups == nil || len(groups.Groups) == 0 {
		t.Fatal("no rule groups")
	}
	return groups
}

// TestRulesPassPromtoolsChecks: what `promtool check rules` checks, and what an alert needs to
// be of use: a severity and a summary.
func TestRulesPassPromtoolsChecks(t *testing.T) {
	for _, g := range parse(t).Groups {
		for _, r := range g.Rules {
			if r.Alert == "" {
				continue
			}
			if r.Labels["severity"] == "" || r.Annotations["summary"] == "" {
				t.Errorf("alert %s: want a severity label and a summary annotation", r.Alert)
			}
		}
	}
}

// series are the operator's metrics, as it exports them (names and labels of controllers/metrics.go
// and internal/handshake/metrics.go), in promqltest's load notation at one sample a minute.
const series = `load 1m
	mcp_operator_mcpserver_ready{namespace="team-a",name="broken"} 1 1 0x40
	mcp_operator_mcpserver_ready{namespace="team-a",name="fine"} 1x42
	mcp_operator_mcpserver_ready{namespace="team-a",name="flapping"} 0 0 0 0 0 1 0 0 0 0 0 1 0x30
	mcp_operator_handshake_failures_total{reason="ConnectionRefused"} 0 0+2x40
	mcp_operator_handshake_failures_total{reason="Timeout"} 0+0.2x41
	mcp_operator_admin_values_valid 1 1 1 1 1 0x37
`

// TestAlertsFireOnTheOperatorsSeries evaluates every alert each minute for 40 minutes and
// compares when each fires, and for which series, with what the alert promises.
func TestAlertsFireOnTheOperatorsSeries(t *testing.T) {
	want := map[string]map[string]time.Duration{
		// Not Ready from minute 2: pending at once, firing 10 minutes later. A server that comes
		// back now and then (flapping) restarts the clock each time and fires only from minute 22.
		"MCPServerNotReady": {
			`{name="broken", namespace="team-a"}`:   12 * time.Minute,
			`{name="flapping", namespace="team-a"}`: 22 * time.Minute,
		},
		// 2 failures a minute: more than 5 in 10 minutes from minute 4 (increase extrapolates),
		// firing 15 minutes later. 2 timeouts per 10 minutes never fire.
		"MCPHandshakeFailuresClimbing": {`{reason="ConnectionRefused"}`: 19 * time.Minute},
		// Invalid from minute 5, firing 5 minutes later.
		"MCPOperatorAdminValuesInvalid": {`{}`: 10 * time.Minute},
	}
	storage := promqltest.LoadedStorage(t, series)
	engine := promqltest.NewTestEngine(t, false, 5*time.Minute, 1_000_000)
	query := rules.EngineQueryFunc(engine, storage)
	for _, g := range parse(t).Groups {
		for _, r := range g.Rules {
			if r.Alert == "" {
				continue
			}
			t.Run(r.Alert, func(t *testing.T) {
				expr, err := parser.NewParser(parser.Options{}).ParseExpr(r.Expr)
				if err != nil {
					t.Fatal(err)
				}
				alert := rules.NewAlertingRule(r.Alert, expr, time.Duration(r.For), 0,
					labels.FromMap(r.Labels), labels.FromMap(r.Annotations), labels.EmptyLabels(), "", false, nil)
				firstFiring := map[string]time.Duration{}
				for at := time.Duration(0); at <= 40*time.Minute; at += time.Minute {
					if _, err := alert.Eval(context.Background(), 0, time.Unix(0, 0).Add(at), query, nil, 0); err != nil {
						t.Fatalf("evaluating at %s: %v", at, err)
					}
					for _, a := range alert.ActiveAlerts() {
						key := a.Labels.MatchLabels(false, "alertname", "severity").String()
						if _, seen := firstFiring[key]; !seen && a.State == rules.StateFiring {
							firstFiring[key] = at
						}
					}
				}
				expected, ok := want[r.Alert]
				if !ok {
					t.Fatalf("no expectation for the alert %s: add one", r.Alert)
				}
				for key, at := range expected {
					if got, fired := firstFiring[key]; !fired || got != at {
						t.Errorf("%s for %s: first firing at %v (fired %v), want %s", r.Alert, key, got, fired, at)
					}
				}
				for key, at := range firstFiring {
					if _, ok := expected[key]; !ok {
						t.Errorf("%s fired for %s at %s, which is healthy", r.Alert, key, at)
					}
				}
			})
		}
	}
}
