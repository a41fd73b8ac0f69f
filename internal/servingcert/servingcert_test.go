// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package servingcert

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

var env *testenv.Env

func TestMain(m *testing.M) {
	var err error
	if env, err = testenv.Start(testenv.Options{WithoutProjectCRDs: true}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	_ = env.Stop()
	os.Exit(code)
}

// testCRD is a CRD that converts through a webhook Service, as the MCPServer CRD does when
// installed by kubectl or Helm.
func testCRD(t *testing.T, group string) string {
	t.Helper()
	crd := &apiextensionsv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: "widgets." + group},
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: group, Scope: apiextensionsv1.NamespaceScoped,
			Names: apiextensionsv1.CustomResourceDefinitionNames{Plural: "widgets", Singular: "widget", Kind: "Widget", ListKind: "WidgetList"},
			Versions: []apiextensionsv1.CustomResourceDefinitionVersion{{Name: "v1", Served: true, Storage: true,
				Schema: &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{Type: "object"}}}},
			Conversion: &apiextensionsv1.CustomResourceConversion{Strategy: apiextensionsv1.WebhookConverter,
				Webhook: &apiextensionsv1.WebhookConversion{ConversionReviewVersions: []string{"v1"},
					ClientConfig: &apiextensionsv1.WebhookClientConfig{Service: &apiextensionsv1.ServiceReference{
						Namespace: "ops", Name: "webhook", Path: ptr.To("/convert")}}}},
		},
	}
	if err := env.Client.Create(context.Background(), crd); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Client.Delete(context.Background(), crd) })
	return crd.Name
}

func options(t *testing.T, namespace string, crds ...string) Options {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}
	if err := env.Client.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	return Options{Namespace: namespace, SecretName: "webhook-cert", ServiceName: "webhook", CertDir: t.TempDir(), CRDs: crds}
}

// servedCert loads the pair from the cert folder as the webhook server does.
func servedCert(t *testing.T, dir string) *x509.Certificate {
	t.Helper()
	pair, err := tls.LoadX509KeyPair(filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key"))
	if err != nil {
		t.Fatal(err)
	}
	return pair.Leaf
}

func injected(t *testing.T, crd string) *x509.CertPool {
	t.Helper()
	got := &apiextensionsv1.CustomResourceDefinition{}
	if err := env.Client.Get(context.Background(), client.ObjectKey{Name: crd}, got); err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(got.Spec.Conversion.Webhook.ClientConfig.CABundle) {
		t.Fatalf("CRD %s has no CA bundle", crd)
	}
	return pool
}

// verifies: the API server, trusting the CRD's bundle, accepts the served certificate under the
// Service's name.
func verifies(t *testing.T, pool *x509.CertPool, cert *x509.Certificate, o Options, at time.Time) {
	t.Helper()
	if _, err := cert.Verify(x509.VerifyOptions{Roots: pool, DNSName: o.DNSNames()[0], CurrentTime: at}); err != nil {
		t.Errorf("the served certificate does not verify against the injected bundle: %v", err)
	}
}

func TestProvisionsInjectsAndKeeps(t *testing.T) {
	ctx := context.Background()
	o := options(t, "provision", testCRD(t, "provision.test"))
	now := time.Now()
	if err := Ensure(ctx, env.Client, o, now); err != nil {
		t.Fatal(err)
	}
	first := servedCert(t, o.CertDir)
	verifies(t, injected(t, o.CRDs[0]), first, o, now)
	secret := &corev1.Secret{}
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: o.Namespace, Name: o.SecretName}, secret); err != nil {
		t.Fatal(err)
	}
	// Another replica, or a restart, a month later: the same certificate, no write.
	if err := Ensure(ctx, env.Client, Options{Namespace: o.Namespace, SecretName: o.SecretName, ServiceName: o.ServiceName, CertDir: t.TempDir(), CRDs: o.CRDs},
		now.Add(30*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	again := &corev1.Secret{}
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(secret), again); err != nil {
		t.Fatal(err)
	}
	if again.ResourceVersion != secret.ResourceVersion {
		t.Error("a good certificate was rewritten")
	}
}

func TestRenewsBeforeExpiry(t *testing.T) {
	ctx := context.Background()
	o := options(t, "renew", testCRD(t, "renew.test"))
	now := time.Now()
	if err := Ensure(ctx, env.Client, o, now); err != nil {
		t.Fatal(err)
	}
	first := servedCert(t, o.CertDir)

	// Nine months on, the serving certificate (a year) is renewed from the same CA.
	later := now.Add(270 * 24 * time.Hour)
	if err := Ensure(ctx, env.Client, o, later); err != nil {
		t.Fatal(err)
	}
	second := servedCert(t, o.CertDir)
	if second.SerialNumber.Cmp(first.SerialNumber) == 0 || !second.NotAfter.After(first.NotAfter) {
		t.Fatalf("the serving certificate was not renewed: %v -> %v", first.NotAfter, second.NotAfter)
	}
	if len(first.AuthorityKeyId) == 0 || !bytes.Equal(second.AuthorityKeyId, first.AuthorityKeyId) {
		t.Error("the CA changed although it had years left")
	}
	verifies(t, injected(t, o.CRDs[0]), second, o, later)

	// Six and a half years on, the serving certificate is renewed once more from the old CA;
	// at seven, the CA (ten years) is renewed. The old CA stays trusted meanwhile, so a replica
	// still serving the certificate it signed is trusted too.
	if err := Ensure(ctx, env.Client, o, now.Add(6*365*24*time.Hour+180*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	old := servedCert(t, o.CertDir)
	if !bytes.Equal(old.AuthorityKeyId, first.AuthorityKeyId) {
		t.Fatal("the CA was renewed with more than a third of its validity left")
	}
	muchLater := now.Add(7 * 365 * 24 * time.Hour)
	if err := Ensure(ctx, env.Client, o, muchLater); err != nil {
		t.Fatal(err)
	}
	renewedCA := servedCert(t, o.CertDir)
	if bytes.Equal(renewedCA.AuthorityKeyId, first.AuthorityKeyId) {
		t.Fatal("the CA was not renewed with less than a third of its validity left")
	}
	pool := injected(t, o.CRDs[0])
	verifies(t, pool, renewedCA, o, muchLater)
	verifies(t, pool, old, o, muchLater)
}

func TestReplacesAnUnusableSecret(t *testing.T) {
	ctx := context.Background()
	o := options(t, "unusable", testCRD(t, "unusable.test"))
	junk := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: o.Namespace, Name: o.SecretName}, Data: map[string][]byte{"tls.crt": []byte("junk")}}
	if err := env.Client.Create(ctx, junk); err != nil {
		t.Fatal(err)
	}
	if err := Ensure(ctx, env.Client, o, time.Now()); err != nil {
		t.Fatal(err)
	}
	verifies(t, injected(t, o.CRDs[0]), servedCert(t, o.CertDir), o, time.Now())
}

// TestReplicasAgree: replicas starting at once end up serving the same certificate.
func TestReplicasAgree(t *testing.T) {
	ctx := context.Background()
	o := options(t, "replicas", testCRD(t, "replicas.test"))
	dirs := make([]string, 4)
	var wg sync.WaitGroup
	errs := make([]error, len(dirs))
	for i := range dirs {
		dirs[i] = t.TempDir()
		wg.Add(1)
		go func() {
			defer wg.Done()
			replica := o
			replica.CertDir = dirs[i]
			errs[i] = Ensure(ctx, env.Client, replica, time.Now())
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
	}
	// A replica that lost a race serves what it read; one more check brings every replica to
	// the Secret's certificate, as the Rotator does.
	for _, dir := range dirs {
		replica := o
		replica.CertDir = dir
		if err := Ensure(ctx, env.Client, replica, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	pool := injected(t, o.CRDs[0])
	for i, dir := range dirs {
		cert := servedCert(t, dir)
		verifies(t, pool, cert, o, time.Now())
		if first := servedCert(t, dirs[0]); cert.SerialNumber.Cmp(first.SerialNumber) != 0 {
			t.Errorf("replica %d serves another certificate than replica 0", i)
		}
	}
}

// TestPointsAPlainCRDAtTheService: a CRD that converts by no webhook (the Helm chart's, which
// Helm cannot template with the release namespace) is pointed at the operator's Service.
func TestPointsAPlainCRDAtTheService(t *testing.T) {
	ctx := context.Background()
	name := testCRD(t, "plain.test")
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if err := env.Client.Get(ctx, client.ObjectKey{Name: name}, crd); err != nil {
		t.Fatal(err)
	}
	base := crd.DeepCopy()
	crd.Spec.Conversion = &apiextensionsv1.CustomResourceConversion{Strategy: apiextensionsv1.NoneConverter}
	if err := env.Client.Patch(ctx, crd, client.MergeFrom(base)); err != nil {
		t.Fatal(err)
	}
	o := options(t, "plain", name)
	if err := Ensure(ctx, env.Client, o, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := env.Client.Get(ctx, client.ObjectKey{Name: name}, crd); err != nil {
		t.Fatal(err)
	}
	svc := crd.Spec.Conversion.Webhook.ClientConfig.Service
	if crd.Spec.Conversion.Strategy != apiextensionsv1.WebhookConverter || svc.Namespace != "plain" || svc.Name != "webhook" || *svc.Path != "/convert" {
		t.Errorf("conversion %+v service %+v", crd.Spec.Conversion, svc)
	}
	verifies(t, injected(t, name), servedCert(t, o.CertDir), o, time.Now())
}

// TestInjectsACAFile: with a certificate from elsewhere (cert-manager's ca.crt), the operator
// injects that CA and keeps no Secret of its own.
func TestInjectsACAFile(t *testing.T) {
	ctx := context.Background()
	o := options(t, "cafile", testCRD(t, "cafile.test"))
	issued := Options{Namespace: "elsewhere", SecretName: "x", ServiceName: o.ServiceName, CertDir: t.TempDir()}
	b, _, err := renewed(nil, o.DNSNames(), DefaultLifetimes, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	o.CAFile = filepath.Join(issued.CertDir, "ca.crt")
	if err := os.WriteFile(o.CAFile, b.caBundle(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Ensure(ctx, env.Client, o, time.Now()); err != nil {
		t.Fatal(err)
	}
	verifies(t, injected(t, o.CRDs[0]), b.cert, o, time.Now())
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: o.Namespace, Name: o.SecretName}, &corev1.Secret{}); err == nil {
		t.Error("a Secret was made although the certificate comes from elsewhere")
	}
	if err := os.WriteFile(o.CAFile, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Ensure(ctx, env.Client, o, time.Now()); err == nil {
		t.Error("no error for a CA file without a certificate")
	}
}
