// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package bundle checks the OLM bundle and the install manifest the way OperatorHub, OLM and
// operator-sdk scorecard would, and against a real API server.
package bundle

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/operator-framework/api/pkg/manifests"
	operatorsv1alpha1 "github.com/operator-framework/api/pkg/operators/v1alpha1"
	"github.com/operator-framework/api/pkg/validation"
	"github.com/operator-framework/api/pkg/validation/errors"
	appsv1 "k8s.io/api/apps/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

var root = testenv.RepoRoot()

func loadBundle(t *testing.T) *manifests.Bundle {
	t.Helper()
	b, err := manifests.GetBundleFromDir(filepath.Join(root, "bundle", "manifests"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBundleValidates runs operator-framework/api's validators: the defaults operator-sdk
// runs (bundle, CSV, CRD) and the operatorframework suite OperatorHub applies (OperatorHub v2,
// standard capabilities and categories, good practices, deprecated APIs). No errors, and no
// warnings either.
func TestBundleValidates(t *testing.T) {
	b := loadBundle(t)
	objs := []any{b, b.CSV, map[string]string{"k8s-version": "1.37"}}
	for _, crd := range b.V1CRDs {
		objs = append(objs, crd)
	}
	validators := append(validation.DefaultBundleValidators,
		validation.OperatorHubV2Validator, validation.StandardCapabilitiesValidator, validation.StandardCategoriesValidator,
		validation.GoodPracticesValidator, validation.AlphaDeprecatedAPIsValidator)
	for _, result := range validators.Validate(objs...) {
		for _, e := range result.Errors {
			t.Errorf("%s: error: %v", result.Name, e)
		}
		for _, w := range result.Warnings {
			if w.Level == errors.LevelWarn {
				t.Errorf("%s: warning: %v", result.Name, w)
			}
		}
	}
}

// TestCSVIsCompleteForOperatorHub checks the CSV fields OperatorHub and the OpenShift console
// show, beyond what the validators require.
func TestCSVIsCompleteForOperatorHub(t *testing.T) {
	csv := loadBundle(t).CSV
	for _, key := range []string{
		"alm-examples", "capabilities", "categories", "containerImage", "createdAt", "description", "repository", "support",
		"operators.openshift.io/valid-subscription",
		"features.operators.openshift.io/disconnected", "features.operators.openshift.io/fips-compliant",
		"features.operators.openshift.io/proxy-aware", "features.operators.openshift.io/tls-profiles",
		"features.operators.openshift.io/token-auth-aws", "features.operators.openshift.io/token-auth-azure",
		"features.operators.openshift.io/token-auth-gcp",
	} {
		if csv.Annotations[key] == "" {
			t.Errorf("CSV annotation %s is missing", key)
		}
	}
	spec := csv.Spec
	if spec.DisplayName == "" || len(spec.Icon) != 1 || len(spec.Keywords) == 0 || len(spec.Maintainers) == 0 ||
		spec.Provider.Name == "" || len(spec.Links) == 0 || spec.Maturity == "" || spec.MinKubeVersion == "" || len(spec.RelatedImages) == 0 {
		t.Errorf("incomplete CSV spec: %+v", spec)
	}
	if !strings.Contains(spec.Description, "openshift-mcp-server") {
		t.Error("the CSV description does not show the customer's example")
	}
	modes := map[operatorsv1alpha1.InstallModeType]bool{}
	for _, m := range spec.InstallModes {
		modes[m.Type] = m.Supported
	}
	// OLM accepts a conversion webhook (webhookdefinitions) only from operators installed in
	// AllNamespaces mode, and the bundle validator refuses the others (TestBundleValidates).
	want := map[operatorsv1alpha1.InstallModeType]bool{
		operatorsv1alpha1.InstallModeTypeOwnNamespace: false, operatorsv1alpha1.InstallModeTypeSingleNamespace: false,
		operatorsv1alpha1.InstallModeTypeMultiNamespace: false, operatorsv1alpha1.InstallModeTypeAllNamespaces: true,
	}
	if !maps.Equal(modes, want) {
		t.Errorf("install modes %v, want %v", modes, want)
	}
	if hooks := spec.WebhookDefinitions; len(hooks) != 1 || hooks[0].Type != operatorsv1alpha1.ConversionWebhook ||
		!slices.Equal(hooks[0].ConversionCRDs, []string{"mcpservers.mcp.x-k8s.io"}) || *hooks[0].WebhookPath != "/convert" {
		t.Errorf("webhook definitions %+v, want the MCPServer conversion webhook", hooks)
	}
	for _, d := range spec.InstallStrategy.StrategySpec.DeploymentSpecs {
		for _, c := range d.Spec.Template.Spec.Containers {
			if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() {
				t.Errorf("container %s has no resource requests", c.Name)
			}
		}
	}
	// Namespaced install modes must get namespaced RBAC: every rule on namespaced resources is
	// in permissions, which OLM grants per target namespace.
	for _, p := range spec.InstallStrategy.StrategySpec.ClusterPermissions {
		for _, r := range p.Rules {
			for _, res := range r.Resources {
				if res != "tokenreviews" && res != "subjectaccessreviews" {
					t.Errorf("clusterPermissions grants %s cluster-wide", res)
				}
			}
		}
	}
}

// TestScorecardChecks reproduces operator-sdk scorecard's basic and olm suites over the bundle.
func TestScorecardChecks(t *testing.T) {
	b := loadBundle(t)
	crs := examples(t, b.CSV)
	if len(crs) < 2 {
		t.Fatalf("%d alm-examples, want the customer's example and a minimal one", len(crs))
	}
	owned := map[string]operatorsv1alpha1.CRDDescription{}
	for _, o := range b.CSV.Spec.CustomResourceDefinitions.Owned {
		owned[o.Version] = o
	}
	if len(owned) != 2 || owned["v1alpha1"].Name == "" || owned["v1beta1"].Name == "" {
		t.Fatalf("owned CRD versions %v, want v1alpha1 and v1beta1", slices.Collect(maps.Keys(owned)))
	}
	for version, desc := range owned {
		// olm-crds-have-resources
		kinds := map[string]bool{}
		for _, r := range desc.Resources {
			kinds[r.Kind] = true
		}
		for _, k := range []string{"Deployment", "Service", "NetworkPolicy", "Route"} {
			if !kinds[k] {
				t.Errorf("%s: the owned CRD does not list %s among its resources", version, k)
			}
		}
		// olm-status-descriptors: the status the operator writes is checked field by field in the
		// controllers suite (TestStatusDescriptorsCoverWhatTheOperatorWrites); here, that there are any.
		if len(desc.StatusDescriptors) == 0 {
			t.Errorf("%s: no status descriptors", version)
		}
	}
	for _, cr := range crs {
		version := strings.TrimPrefix(cr.GetAPIVersion(), "mcp.x-k8s.io/")
		specPaths := map[string]bool{}
		for _, d := range owned[version].SpecDescriptors {
			specPaths[d.Path] = true
		}
		schema := crdVersionSchema(t, b, version).Properties["spec"]
		spec, ok := cr.Object["spec"].(map[string]any)
		// basic-check-spec
		if !ok || len(spec) == 0 {
			t.Errorf("alm-example %s has no spec", cr.GetName())
			continue
		}
		for _, path := range fieldPaths(spec, "") {
			// olm-spec-descriptors (scorecard checks the top-level keys; every field is covered here)
			if !specPaths[path] {
				t.Errorf("alm-example %s: spec field %s has no spec descriptor", cr.GetName(), path)
			}
		}
		// olm-crds-have-validation
		for key := range spec {
			if _, ok := schema.Properties[key]; !ok {
				t.Errorf("alm-example %s: spec.%s is not in the CRD schema", cr.GetName(), key)
			}
		}
	}
}

// crdVersionSchema is the schema of one version of the bundle's CRD.
func crdVersionSchema(t *testing.T, b *manifests.Bundle, version string) apiextensionsv1.JSONSchemaProps {
	t.Helper()
	for _, v := range b.V1CRDs[0].Spec.Versions {
		if v.Name == version {
			return *v.Schema.OpenAPIV3Schema
		}
	}
	t.Fatalf("the bundle's CRD has no version %s", version)
	return apiextensionsv1.JSONSchemaProps{}
}

// TestALMExamplesAreAcceptedByTheAPIServer creates every alm-example on a real kube-apiserver.
func TestALMExamplesAreAcceptedByTheAPIServer(t *testing.T) {
	env, err := testenv.Start(testenv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = env.Stop() }()
	for _, cr := range examples(t, loadBundle(t).CSV) {
		cr.SetNamespace("default")
		if err := env.Client.Create(context.Background(), cr, client.DryRunAll); err != nil {
			t.Errorf("alm-example %s rejected: %v", cr.GetName(), err)
		}
	}
}

// TestInstallManifestAppliesWithRestrictedManager applies dist/install.yaml to a real API server
// and checks the manager Deployment it creates.
func TestInstallManifestAppliesWithRestrictedManager(t *testing.T) {
	env, err := testenv.Start(testenv.Options{WithoutProjectCRDs: true}) // the manifest brings its own
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = env.Stop() }()
	ctx := context.Background()
	var deployment *unstructured.Unstructured
	for _, obj := range check.ReadManifests(t, filepath.Join(root, "dist", "install.yaml")) {
		if err := env.Client.Apply(ctx, client.ApplyConfigurationFromUnstructured(obj), client.FieldOwner("install-test"), client.ForceOwnership); err != nil {
			t.Fatalf("applying %s %s: %v", obj.GetKind(), obj.GetName(), err)
		}
		if obj.GetKind() == "Deployment" {
			deployment = obj
		}
	}
	if deployment == nil {
		t.Fatal("the install manifest has no Deployment")
	}
	d := &appsv1.Deployment{}
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(deployment), d); err != nil {
		t.Fatal(err)
	}
	check.CheckRestricted(t, d.Spec.Template.Spec)
}

func examples(t *testing.T, csv *operatorsv1alpha1.ClusterServiceVersion) []*unstructured.Unstructured {
	t.Helper()
	var raw []map[string]any
	if err := json.Unmarshal([]byte(csv.Annotations["alm-examples"]), &raw); err != nil {
		t.Fatalf("alm-examples is not a JSON array: %v", err)
	}
	out := make([]*unstructured.Unstructured, len(raw))
	for i := range raw {
		out[i] = &unstructured.Unstructured{Object: raw[i]}
	}
	return out
}

// fieldPaths lists the paths of every field of an object in descriptor notation (a.b, a[0].b).
func fieldPaths(obj map[string]any, prefix string) []string {
	var paths []string
	for key, value := range obj {
		path := prefix + key
		paths = append(paths, path)
		switch v := value.(type) {
		case map[string]any:
			if !isFreeForm(path) {
				paths = append(paths, fieldPaths(v, path+".")...)
			}
		case []any:
			if len(v) > 0 {
				if item, ok := v[0].(map[string]any); ok {
					paths = append(paths, fieldPaths(item, path+"[0].")...)
				}
			}
		}
	}
	sort.Strings(paths)
	return paths
}

// isFreeForm: maps whose keys are data, and fields of Kubernetes types, which have no
// descriptors of their own beyond the ones the base CSV adds.
func isFreeForm(path string) bool {
	for _, p := range []string{"extraLabels", "extraAnnotations", "runtime.security.podSecurityContext",
		"runtime.security.securityContext", "runtime.resources", "runtime.health.livenessProbe", "runtime.health.readinessProbe"} {
		if path == p {
			return true
		}
	}
	return strings.HasPrefix(path, "config.storage[0].source.") && strings.Count(path, ".") >= 3
}

// TestCatalogValidates runs opm validate over the file-based catalog and checks that it offers
// this bundle, by the bundle image, in the default channel.
func TestCatalogValidates(t *testing.T) {
	opm := os.Getenv("OPM")
	if opm == "" {
		t.Fatal("OPM is not set: run the tests through `make test`, which builds opm")
	}
	out, err := exec.Command(opm, "validate", filepath.Join(root, "catalog-source", "catalog")).CombinedOutput()
	if err != nil {
		t.Fatalf("opm validate: %v\n%s", err, out)
	}
	csv := loadBundle(t).CSV
	docs := yamlDocs(t, filepath.Join(root, "catalog-source", "catalog", "mcp-operator", "catalog.yaml"))
	var pkg, channel, bundle map[string]any
	for _, d := range docs {
		switch d["schema"] {
		case "olm.package":
			pkg = d
		case "olm.channel":
			channel = d
		case "olm.bundle":
			bundle = d
		}
	}
	if pkg == nil || channel == nil || bundle == nil {
		t.Fatalf("the catalog lacks a package, channel or bundle")
	}
	if pkg["defaultChannel"] != channel["name"] {
		t.Errorf("default channel %v is not the catalog's channel %v", pkg["defaultChannel"], channel["name"])
	}
	entries, _ := channel["entries"].([]any)
	if len(entries) != 1 || entries[0].(map[string]any)["name"] != csv.Name {
		t.Errorf("channel entries %v, want %s", entries, csv.Name)
	}
	if bundle["name"] != csv.Name || !strings.Contains(bundle["image"].(string), "-bundle:v"+csv.Spec.Version.String()) {
		t.Errorf("catalog bundle %v at %v does not match the CSV %s", bundle["name"], bundle["image"], csv.Name)
	}
}

// yamlDocs reads every YAML document of a file as a generic map.
func yamlDocs(t *testing.T, path string) []map[string]any {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var docs []map[string]any
	for _, doc := range strings.Split(string(raw), "\n---") {
		var m map[string]any
		if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if m != nil {
			docs = append(docs, m)
		}
	}
	return docs
}
