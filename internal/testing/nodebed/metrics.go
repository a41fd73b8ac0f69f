// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package nodebed

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// metricsReader is the ServiceAccount the bed scrapes the operator's metrics as, bound to the
// metrics-reader ClusterRole of dist/install.yaml, as Prometheus would be.
const metricsReader = "metrics-check"

// OperatorMetrics returns a function that scrapes the operator pod's metrics endpoint
// (HTTPS, behind authentication and authorization) and sums each metric's samples by name.
func (b *Bed) OperatorMetrics(ctx context.Context, pod corev1.Pod) func() (map[string]float64, error) {
	return func() (map[string]float64, error) {
		token, err := b.metricsToken(ctx)
		if err != nil {
			return nil, err
		}
		return scrape(ctx, fmt.Sprintf("https://%s:8443/metrics", pod.Status.PodIP), token)
	}
}

func (b *Bed) metricsToken(ctx context.Context) (string, error) {
	c := b.Cluster.Client
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: OperatorNamespace, Name: metricsReader}}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: metricsReader},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "mcp-operator-metrics-reader"},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Namespace: OperatorNamespace, Name: metricsReader}},
	}
	for _, obj := range []client.Object{sa, binding} {
		if err := c.Create(ctx, obj); err != nil && !apierrors.IsAlreadyExists(err) {
			return "", err
		}
	}
	req := &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](600)}}
	if err := c.SubResource("token").Create(ctx, sa, req); err != nil {
		return "", fmt.Errorf("requesting a token for %s: %w", metricsReader, err)
	}
	return req.Status.Token, nil
}

// scrape reads a Prometheus text endpoint and sums the samples of each metric.
func scrape(ctx context.Context, url, token string) (map[string]float64, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	// The operator serves metrics with a self-signed certificate unless one is mounted.
	transport := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // a test's scrape
	resp, err := (&http.Client{Transport: transport}).Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	sums := map[string]float64{}
	scanner := bufio.NewScanner(resp.Body)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	for scanner.Scan() {
		line := scanner.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name := line[:strings.IndexAny(line, "{ ")]
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err != nil {
			return nil, fmt.Errorf("metric line %q: %w", line, err)
		}
		sums[name] += v
	}
	return sums, scanner.Err()
}
