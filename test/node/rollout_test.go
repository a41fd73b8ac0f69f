// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package node

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
)

// TestVerifiedRollouts: real pods of cmd/sample-mcp-server, while an MCP client calls a tool
// through the Service in a loop. A revision whose port is open but does not speak MCP never
// takes traffic and is rolled back at its deadline; a revision that drops a tool is held, then
// rolled back; a bad revision rolled out while the operator's leader is killed is rolled back by
// the next leader; a fixed revision rolls forward. The client sees no failed call until the
// fixed revision replaces the pod it talks to.
func TestVerifiedRollouts(t *testing.T) {
	ns := "node-rollout"
	restrictedNamespace(t, ns)
	ctx := context.Background()
	s := sampleServer(ns, "rolling")
	s.Spec.Rollout = &mcpv1beta1.RolloutConfig{DeadlineSeconds: ptr.To[int32](20)}
	create(t, s)
	waitReady(t, ns, s.Name, metav1.ConditionTrue, "", 3*time.Minute)
	first := waitRollout(t, ns, s.Name, metav1.ConditionTrue, mcpv1beta1.ReasonRolloutVerified, 2*time.Minute)
	verified := first.Status.Rollout.VerifiedRevision
	pods := serverPods(t, ns, s.Name)
	if len(pods) != 1 || !gateTrue(pods[0]) {
		t.Fatalf("%d pods, want 1 with its gate True", len(pods))
	}
	servingPod := pods[0].UID

	calls := callInALoop(t, serviceURL(t, ns, s.Name))
	setArgs := func(args ...string) time.Time {
		t.Helper()
		cur := server(t, ns, s.Name)
		patch := client.MergeFrom(cur.DeepCopy())
		cur.Spec.Config.Arguments = args
		if err := bed.Cluster.Client.Patch(ctx, cur, patch); err != nil {
			t.Fatal(err)
		}
		return time.Now()
	}

	t.Run("a revision that does not speak MCP is rolled back", func(t *testing.T) {
		start := setArgs("--not-mcp")
		back := waitRollout(t, ns, s.Name, metav1.ConditionFalse, mcpv1beta1.ReasonRolledBack, 3*time.Minute)
		t.Logf("rolled back %s after the bad revision was applied (deadline 20s): %s", time.Since(start).Round(time.Second), back.Status.Rollout.RolledBack.Message)
		if back.Status.Rollout.VerifiedRevision != verified {
			t.Errorf("verified revision %s, want %s", back.Status.Rollout.VerifiedRevision, verified)
		}
		waitTemplateArgs(t, ns, s.Name, nil)
		waitOnePod(t, ns, s.Name, servingPod)
		waitReady(t, ns, s.Name, metav1.ConditionTrue, "", time.Minute)
	})

	t.Run("a revision that drops a tool is held, then rolled back", func(t *testing.T) {
		setArgs("--without-tool", "echo")
		held := waitRollout(t, ns, s.Name, metav1.ConditionFalse, mcpv1beta1.ReasonRolloutHeld, 2*time.Minute)
		if tc := held.Status.Rollout.ToolChanges; tc == nil || !slices.Equal(tc.Removed, []string{"echo"}) {
			t.Errorf("toolChanges %+v, want echo removed", tc)
		}
		waitRollout(t, ns, s.Name, metav1.ConditionFalse, mcpv1beta1.ReasonRolledBack, 2*time.Minute)
		waitTemplateArgs(t, ns, s.Name, nil)
		waitOnePod(t, ns, s.Name, servingPod)
	})

	t.Run("the next leader rolls back what the killed one started", func(t *testing.T) {
		setArgs("--not-mcp", "--name", "broken-again")
		waitRollout(t, ns, s.Name, metav1.ConditionFalse, mcpv1beta1.ReasonRolloutFailing, 2*time.Minute)
		old := leaderPod(t)
		if err := bed.Cluster.Client.Delete(ctx, &old, client.GracePeriodSeconds(0)); err != nil {
			t.Fatal(err)
		}
		back := waitRollout(t, ns, s.Name, metav1.ConditionFalse, mcpv1beta1.ReasonRolledBack, 3*time.Minute)
		if rb := back.Status.Rollout.RolledBack; rb == nil || rb.Generation != back.Generation {
			t.Errorf("rolledBack %+v, want this generation's", rb)
		}
		if next := leaderPod(t); next.UID == old.UID {
			t.Errorf("the killed pod %s still leads", old.Name)
		}
		waitTemplateArgs(t, ns, s.Name, nil)
		waitOnePod(t, ns, s.Name, servingPod)
	})

	ok, failed := calls.stop()
	t.Logf("the client called echo %d times through the Service during the bad and held revisions; %d failed", ok+len(failed), len(failed))
	if len(failed) > 0 {
		t.Errorf("%d failed calls, want none: %v", len(failed), failed[:min(len(failed), 5)])
	}
	if ok == 0 {
		t.Error("the client made no successful call")
	}

	t.Run("a fixed revision rolls forward", func(t *testing.T) {
		setArgs("--name", "fixed")
		forward := waitRollout(t, ns, s.Name, metav1.ConditionTrue, mcpv1beta1.ReasonRolloutVerified, 3*time.Minute)
		if forward.Status.Rollout.VerifiedRevision == verified || forward.Status.Rollout.RolledBack != nil {
			t.Errorf("status.rollout %+v, want a new verified revision and no rollback", forward.Status.Rollout)
		}
		check.Eventually(t, 2*time.Minute, "the fixed server in status", func() (bool, string) {
			info := server(t, ns, s.Name).Status.ServerInfo
			return info != nil && info.Name == "fixed", fmt.Sprint(info)
		})
	})
}

// waitRollout waits for RolloutVerified with the status and reason at the current generation.
func waitRollout(t *testing.T, namespace, name string, status metav1.ConditionStatus, reason string, timeout time.Duration) *mcpv1beta1.MCPServer {
	t.Helper()
	var s *mcpv1beta1.MCPServer
	check.Eventually(t, timeout, fmt.Sprintf("RolloutVerified=%s/%s", status, reason), func() (bool, string) {
		s = server(t, namespace, name)
		c := apimeta.FindStatusCondition(s.Status.Conditions, mcpv1beta1.ConditionRolloutVerified)
		if c == nil {
			return false, "no RolloutVerified condition"
		}
		return c.Status == status && c.Reason == reason && c.ObservedGeneration == s.Generation,
			fmt.Sprintf("%s/%s (generation %d of %d): %s", c.Status, c.Reason, c.ObservedGeneration, s.Generation, c.Message)
	})
	return s
}

// waitTemplateArgs waits until the Deployment's pod template runs the server with args.
func waitTemplateArgs(t *testing.T, namespace, name string, args []string) {
	t.Helper()
	check.Eventually(t, time.Minute, fmt.Sprintf("the Deployment's template with arguments %v", args), func() (bool, string) {
		d := &appsv1.Deployment{}
		if err := bed.Cluster.Client.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: name}, d); err != nil {
			return false, err.Error()
		}
		got := d.Spec.Template.Spec.Containers[0].Args
		return slices.Equal(got, args), fmt.Sprint(got)
	})
}

// waitOnePod waits until the only pod left is the one that served from the start.
func waitOnePod(t *testing.T, namespace, name string, uid any) {
	t.Helper()
	check.Eventually(t, 2*time.Minute, "only the verified pod left", func() (bool, string) {
		pods := serverPods(t, namespace, name)
		var names []string
		for _, p := range pods {
			names = append(names, p.Name)
		}
		return len(pods) == 1 && pods[0].UID == uid, fmt.Sprint(names)
	})
}

func gateTrue(p corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == "mcp.x-k8s.io/verified" {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// serviceURL is the MCP endpoint at the Service's cluster IP, which the test reaches from the
// host through kube-proxy as a pod would.
func serviceURL(t *testing.T, namespace, name string) string {
	t.Helper()
	svc := &corev1.Service{}
	if err := bed.Cluster.Client.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: name}, svc); err != nil {
		t.Fatal(err)
	}
	return "http://" + net.JoinHostPort(svc.Spec.ClusterIP, strconv.Itoa(int(svc.Spec.Ports[0].Port))) + "/mcp"
}

// clientLoop calls a tool over and over, each call in a session of its own, as many short-lived
// clients would.
type clientLoop struct {
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	ok     int
	failed []string
}

func callInALoop(t *testing.T, url string) *clientLoop {
	ctx, cancel := context.WithCancel(context.Background())
	l := &clientLoop{cancel: cancel, done: make(chan struct{})}
	t.Cleanup(func() { l.stop() })
	go func() {
		defer close(l.done)
		for ctx.Err() == nil {
			err := callEcho(ctx, url)
			if ctx.Err() != nil {
				return
			}
			l.mu.Lock()
			if err != nil {
				l.failed = append(l.failed, time.Now().Format(time.TimeOnly)+" "+err.Error())
			} else {
				l.ok++
			}
			l.mu.Unlock()
			select {
			case <-ctx.Done():
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	return l
}

// stop ends the loop and returns the successful calls and the failures.
func (l *clientLoop) stop() (int, []string) {
	l.cancel()
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.ok, l.failed
}

func callEcho(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	c := mcp.NewClient(&mcp.Implementation{Name: "rollout-test", Version: "0"}, nil)
	session, err := c.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: url, HTTPClient: &http.Client{Timeout: 5 * time.Second}, MaxRetries: -1}, nil)
	if err != nil {
		return err
	}
	defer func() { _ = session.Close() }()
	res, err := session.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"text": "hi"}})
	if err != nil {
		return err
	}
	if res.IsError {
		return fmt.Errorf("echo answered with an error: %v", res.Content)
	}
	return nil
}
