// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package packaging makes the operator's install artefacts from config/ and the API types: the
// OLM bundle (registry+v1), as `operator-sdk generate kustomize manifests` and `operator-sdk
// generate bundle` would (the operator-sdk binary is not available here, so this does their job
// with github.com/operator-framework/api types), and the single install manifest. Its output is
// deterministic, so a test can tell when a committed artefact is stale.
package packaging

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/blang/semver/v4"
	operatorsv1alpha1 "github.com/operator-framework/api/pkg/operators/v1alpha1"
	appsv1 "k8s.io/api/apps/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// Options say what bundle to make.
type Options struct {
	// Root is the repository root (config/, api/, bundle/ are below it).
	Root string
	// Package, Version, Channels and DefaultChannel identify the bundle in catalogs.
	Package        string
	Version        string
	Channels       []string
	DefaultChannel string
	// Image is the operator image the CSV deploys.
	Image string
	// ScorecardVersion is the tag of the scorecard-test image.
	ScorecardVersion string
}

// placeholderImage is the image name config/manager uses, replaced by Options.Image.
const placeholderImage = "controller:latest"

// clusterScopedResources are the resources whose rules must stay cluster-wide in the CSV.
// Every other rule goes into permissions, which OLM grants in the OperatorGroup's target
// namespaces (or cluster-wide for AllNamespaces), so namespaced installs get namespaced RBAC.
var clusterScopedResources = []string{
	"tokenreviews", "subjectaccessreviews", "namespaces", "nodes", "customresourcedefinitions",
	"clusterroles", "clusterrolebindings", "persistentvolumes", "storageclasses", "priorityclasses",
}

// Files maps paths relative to the repository root to their content.
type Files map[string][]byte

// Generate builds the bundle's files: bundle/manifests, bundle/metadata, bundle/tests/scorecard
// and bundle.Dockerfile.
func Generate(o Options) (Files, error) {
	version, err := semver.Parse(o.Version)
	if err != nil {
		return nil, fmt.Errorf("version %q: %w", o.Version, err)
	}
	objs, err := Kustomize(filepath.Join(o.Root, "config", "manifests"))
	if err != nil {
		return nil, err
	}
	in, err := sortObjects(objs)
	if err != nil {
		return nil, err
	}
	csv := in.csv
	csv.Name = fmt.Sprintf("%s.v%s", o.Package, o.Version)
	csv.Namespace = ""
	csv.Spec.Version.Version = version
	if csv.Annotations == nil {
		csv.Annotations = map[string]string{}
	}
	csv.Annotations["containerImage"] = o.Image
	csv.Annotations["operators.operatorframework.io/builder"] = "mcp-operator-bundlegen"
	layout, err := ProjectLayout(o.Root)
	if err != nil {
		return nil, err
	}
	csv.Annotations["operators.operatorframework.io/project_layout"] = layout
	examples, err := almExamples(filepath.Join(o.Root, "config", "samples"), in.crdKinds())
	if err != nil {
		return nil, err
	}
	csv.Annotations["alm-examples"] = examples
	// The stdio bridge is in the operator's image; named apart, as the RELATED_IMAGE_ variable
	// that carries it, so that a disconnected mirror knows both uses.
	csv.Spec.RelatedImages = []operatorsv1alpha1.RelatedImage{{Name: "mcp-operator", Image: o.Image}, {Name: "stdio-bridge", Image: o.Image}}
	if err := in.installStrategy(&csv, o.Image); err != nil {
		return nil, err
	}
	in.declareWebhooks(&csv)
	if err := in.ownedCRDs(&csv, filepath.Join(o.Root, "api")); err != nil {
		return nil, err
	}

	files := Files{}
	if files["bundle/manifests/"+o.Package+".clusterserviceversion.yaml"], err = marshalObject(&csv); err != nil {
		return nil, err
	}
	for _, crd := range in.crds {
		if files["bundle/manifests/"+crd.Spec.Group+"_"+crd.Spec.Names.Plural+".yaml"], err = marshalObject(crd); err != nil {
			return nil, err
		}
	}
	for _, extra := range in.extras {
		if files["bundle/manifests/"+extraFileName(extra)], err = marshalObject(extra); err != nil {
			return nil, err
		}
	}
	labels := bundleLabels(o, layout)
	files["bundle/metadata/annotations.yaml"] = annotationsFile(labels)
	files["bundle.Dockerfile"] = dockerfile(labels)
	scorecard, err := os.ReadFile(filepath.Join(o.Root, "config", "scorecard", "config.yaml"))
	if err != nil {
		return nil, err
	}
	files["bundle/tests/scorecard/config.yaml"] = bytes.ReplaceAll(scorecard, []byte("SCORECARD_VERSION"), []byte(o.ScorecardVersion))
	return files, nil
}

// Kustomize runs kustomize (in process) over dir, in kustomize's legacy order (namespaces and
// CRDs first), as `kubectl kustomize` does, so that the output applies in one pass.
func Kustomize(dir string) ([]*unstructured.Unstructured, error) {
	opts := krusty.MakeDefaultOptions()
	opts.Reorder = krusty.ReorderOptionLegacy
	resMap, err := krusty.MakeKustomizer(opts).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, fmt.Errorf("kustomize build %s: %w", dir, err)
	}
	var objs []*unstructured.Unstructured
	for _, res := range resMap.Resources() {
		raw, err := res.MarshalJSON()
		if err != nil {
			return nil, err
		}
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(raw); err != nil {
			return nil, err
		}
		objs = append(objs, u)
	}
	return objs, nil
}

// inputs are the built objects, sorted by what the bundle does with them.
type inputs struct {
	csv          operatorsv1alpha1.ClusterServiceVersion
	crds         []*apiextensionsv1.CustomResourceDefinition
	deployments  []*appsv1.Deployment
	roles        map[string]*rbacv1.Role
	clusterRoles map[string]*rbacv1.ClusterRole
	bindings     []*rbacv1.RoleBinding
	clusterBinds []*rbacv1.ClusterRoleBinding
	// extras go into the bundle as they are (Services, ClusterRoles for users).
	extras []*unstructured.Unstructured
}

func sortObjects(objs []*unstructured.Unstructured) (*inputs, error) {
	in := &inputs{roles: map[string]*rbacv1.Role{}, clusterRoles: map[string]*rbacv1.ClusterRole{}}
	for _, u := range objs {
		if !forOLM(u) {
			continue
		}
		var err error
		switch u.GetKind() {
		case "ClusterServiceVersion":
			err = fromUnstructured(u, &in.csv)
		case "CustomResourceDefinition":
			crd := &apiextensionsv1.CustomResourceDefinition{}
			err = fromUnstructured(u, crd)
			in.crds = append(in.crds, crd)
		case "Deployment":
			d := &appsv1.Deployment{}
			err = fromUnstructured(u, d)
			in.deployments = append(in.deployments, d)
		case "Role":
			r := &rbacv1.Role{}
			err = fromUnstructured(u, r)
			in.roles[r.Name] = r
		case "ClusterRole":
			r := &rbacv1.ClusterRole{}
			err = fromUnstructured(u, r)
			in.clusterRoles[r.Name] = r
		case "RoleBinding":
			b := &rbacv1.RoleBinding{}
			err = fromUnstructured(u, b)
			in.bindings = append(in.bindings, b)
		case "ClusterRoleBinding":
			b := &rbacv1.ClusterRoleBinding{}
			err = fromUnstructured(u, b)
			in.clusterBinds = append(in.clusterBinds, b)
		case "Service", "ConfigMap", "NetworkPolicy", "PodDisruptionBudget":
			in.extras = append(in.extras, withoutNamespace(u))
		case "Namespace", "ServiceAccount":
			// OLM creates the namespace and the deployment's ServiceAccount itself.
		default:
			return nil, fmt.Errorf("config/manifests holds a %s (%s), which this bundle generator does not place", u.GetKind(), u.GetName())
		}
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", u.GetKind(), u.GetName(), err)
		}
	}
	if in.csv.Kind == "" {
		return nil, fmt.Errorf("config/manifests has no base ClusterServiceVersion")
	}
	return in, nil
}

func (in *inputs) crdKinds() []string {
	var kinds []string
	for _, crd := range in.crds {
		kinds = append(kinds, crd.Spec.Names.Kind)
	}
	return kinds
}

// installStrategy puts the manager Deployment and its RBAC into the CSV. Roles and ClusterRoles
// bound to the Deployment's ServiceAccount become permissions (namespaced rules) or
// clusterPermissions (rules on cluster-scoped resources); unbound ClusterRoles ship as they are.
func (in *inputs) installStrategy(csv *operatorsv1alpha1.ClusterServiceVersion, image string) error {
	var deployments []operatorsv1alpha1.StrategyDeploymentSpec
	serviceAccounts := map[string]bool{}
	for _, d := range in.deployments {
		for i := range d.Spec.Template.Spec.Containers {
			c := &d.Spec.Template.Spec.Containers[i]
			if c.Image == placeholderImage {
				c.Image = image
			}
			for j := range c.Env {
				if c.Env[j].Value == placeholderImage {
					c.Env[j].Value = image
				}
			}
		}
		useOLMCertificates(d)
		deployments = append(deployments, operatorsv1alpha1.StrategyDeploymentSpec{Name: d.Name, Label: d.Labels, Spec: d.Spec})
		serviceAccounts[d.Spec.Template.Spec.ServiceAccountName] = true
	}
	if len(deployments) == 0 {
		return fmt.Errorf("config/manifests has no Deployment to install")
	}
	namespaced := map[string][]rbacv1.PolicyRule{}
	clusterWide := map[string][]rbacv1.PolicyRule{}
	bound := map[string]bool{}
	grant := func(sa string, rules []rbacv1.PolicyRule) {
		for _, rule := range rules {
			if isClusterScoped(rule) {
				clusterWide[sa] = append(clusterWide[sa], rule)
			} else {
				namespaced[sa] = append(namespaced[sa], rule)
			}
		}
	}
	for _, b := range in.bindings {
		for _, sa := range boundServiceAccounts(b.Subjects, serviceAccounts) {
			bound[b.RoleRef.Kind+"/"+b.RoleRef.Name] = true
			if r, ok := in.roles[b.RoleRef.Name]; ok && b.RoleRef.Kind == "Role" {
				grant(sa, r.Rules)
			} else if cr, ok := in.clusterRoles[b.RoleRef.Name]; ok {
				grant(sa, cr.Rules)
			}
		}
	}
	for _, b := range in.clusterBinds {
		for _, sa := range boundServiceAccounts(b.Subjects, serviceAccounts) {
			bound["ClusterRole/"+b.RoleRef.Name] = true
			if cr, ok := in.clusterRoles[b.RoleRef.Name]; ok {
				grant(sa, cr.Rules)
			}
		}
	}
	for _, name := range sortedKeys(in.clusterRoles) {
		if !bound["ClusterRole/"+name] {
			u, err := toUnstructured(in.clusterRoles[name])
			if err != nil {
				return err
			}
			in.extras = append(in.extras, u)
		}
	}
	csv.Spec.InstallStrategy = operatorsv1alpha1.NamedInstallStrategy{
		StrategyName: operatorsv1alpha1.InstallStrategyNameDeployment,
		StrategySpec: operatorsv1alpha1.StrategyDetailsDeployment{
			DeploymentSpecs:    deployments,
			Permissions:        permissions(namespaced),
			ClusterPermissions: permissions(clusterWide),
		},
	}
	return nil
}

// ownedCRDs describes each served version of each CRD of the bundle from the API markers of
// that version's package (api/<version>), keeping descriptors the base CSV adds for fields of
// Kubernetes types.
func (in *inputs) ownedCRDs(csv *operatorsv1alpha1.ClusterServiceVersion, apiDir string) error {
	base := map[string]operatorsv1alpha1.CRDDescription{}
	for _, owned := range csv.Spec.CustomResourceDefinitions.Owned {
		base[owned.Name] = owned
	}
	var owned []operatorsv1alpha1.CRDDescription
	for _, crd := range in.crds {
		for _, v := range crd.Spec.Versions {
			if !v.Served {
				continue
			}
			desc, err := CRDDescription(filepath.Join(apiDir, v.Name), crd.Spec.Names.Kind, crd.Name, v.Name)
			if err != nil {
				return err
			}
			desc.SpecDescriptors = mergeDescriptors(desc.SpecDescriptors, base[crd.Name].SpecDescriptors)
			desc.StatusDescriptors = mergeDescriptors(desc.StatusDescriptors, base[crd.Name].StatusDescriptors)
			owned = append(owned, desc)
		}
	}
	csv.Spec.CustomResourceDefinitions.Owned = owned
	return nil
}

// mergeDescriptors adds the extra descriptors whose paths the generated ones do not cover.
func mergeDescriptors[D operatorsv1alpha1.SpecDescriptor | operatorsv1alpha1.StatusDescriptor](generated, extra []D) []D {
	path := func(d D) string { return operatorsv1alpha1.SpecDescriptor(d).Path }
	for _, e := range extra {
		if !slices.ContainsFunc(generated, func(g D) bool { return path(g) == path(e) }) {
			generated = append(generated, e)
		}
	}
	return generated
}

// almExamples collects the custom resources of the bundle's kinds from the sample files, as the
// JSON array the console offers as starting points.
func almExamples(dir string, kinds []string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var examples []map[string]any
	for _, e := range entries {
		if e.IsDir() || e.Name() == "kustomization.yaml" || filepath.Ext(e.Name()) != ".yaml" {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return "", err
		}
		for _, doc := range strings.Split(string(raw), "\n---") {
			var obj map[string]any
			if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
				return "", fmt.Errorf("%s: %w", e.Name(), err)
			}
			u := &unstructured.Unstructured{Object: obj}
			if obj == nil || !slices.Contains(kinds, u.GetKind()) {
				continue
			}
			// The console creates examples in the namespace the user is looking at.
			u.SetNamespace("")
			examples = append(examples, u.Object)
		}
	}
	if len(examples) == 0 {
		return "", fmt.Errorf("no examples of %v in %s", kinds, dir)
	}
	raw, err := json.MarshalIndent(examples, "", "  ")
	return string(raw), err
}

func boundServiceAccounts(subjects []rbacv1.Subject, serviceAccounts map[string]bool) []string {
	var out []string
	for _, s := range subjects {
		if s.Kind == rbacv1.ServiceAccountKind && serviceAccounts[s.Name] {
			out = append(out, s.Name)
		}
	}
	return out
}

func isClusterScoped(rule rbacv1.PolicyRule) bool {
	if len(rule.NonResourceURLs) > 0 {
		return true
	}
	for _, r := range rule.Resources {
		if slices.Contains(clusterScopedResources, r) {
			return true
		}
	}
	return false
}

func permissions(bySA map[string][]rbacv1.PolicyRule) []operatorsv1alpha1.StrategyDeploymentPermissions {
	var out []operatorsv1alpha1.StrategyDeploymentPermissions
	for _, sa := range sortedKeys(bySA) {
		out = append(out, operatorsv1alpha1.StrategyDeploymentPermissions{ServiceAccountName: sa, Rules: bySA[sa]})
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ProjectLayout reads the project layout PROJECT declares (as operator-sdk records it in the
// bundle), so that the bundle says what the tree is.
func ProjectLayout(root string) (string, error) {
	raw, err := os.ReadFile(filepath.Join(root, "PROJECT"))
	if err != nil {
		return "", err
	}
	var project struct {
		Layout []string `json:"layout"`
	}
	if err := yaml.Unmarshal(raw, &project); err != nil || len(project.Layout) == 0 {
		return "", fmt.Errorf("PROJECT declares no layout (%v)", err)
	}
	return project.Layout[0], nil
}

// bundleLabels are the bundle's metadata, shared by annotations.yaml and bundle.Dockerfile.
func bundleLabels(o Options, layout string) [][2]string {
	return [][2]string{
		{"operators.operatorframework.io.bundle.mediatype.v1", "registry+v1"},
		{"operators.operatorframework.io.bundle.manifests.v1", "manifests/"},
		{"operators.operatorframework.io.bundle.metadata.v1", "metadata/"},
		{"operators.operatorframework.io.bundle.package.v1", o.Package},
		{"operators.operatorframework.io.bundle.channels.v1", strings.Join(o.Channels, ",")},
		{"operators.operatorframework.io.bundle.channel.default.v1", o.DefaultChannel},
		{"operators.operatorframework.io.metrics.builder", "mcp-operator-bundlegen"},
		{"operators.operatorframework.io.metrics.mediatype.v1", "metrics+v1"},
		{"operators.operatorframework.io.metrics.project_layout", layout},
		{"operators.operatorframework.io.test.mediatype.v1", "scorecard+v1"},
		{"operators.operatorframework.io.test.config.v1", "tests/scorecard/"},
	}
}

func annotationsFile(labels [][2]string) []byte {
	var b strings.Builder
	b.WriteString("# Generated by `make bundle` (hack/bundle). Do not edit.\nannotations:\n")
	for _, l := range labels {
		fmt.Fprintf(&b, "  %s: %s\n", l[0], l[1])
	}
	return []byte(b.String())
}

func dockerfile(labels [][2]string) []byte {
	var b strings.Builder
	b.WriteString("# The OLM bundle image (registry+v1). Generated by `make bundle` (hack/bundle): the labels\n" +
		"# match bundle/metadata/annotations.yaml. Do not edit.\nFROM scratch\n\n")
	for _, l := range labels {
		fmt.Fprintf(&b, "LABEL %s=%s\n", l[0], l[1])
	}
	b.WriteString("\nCOPY bundle/manifests /manifests/\nCOPY bundle/metadata /metadata/\nCOPY bundle/tests/scorecard /tests/scorecard/\n")
	return []byte(b.String())
}

// extraFileName names an extra manifest the way operator-sdk does: name_group_version_kind.yaml.
func extraFileName(u *unstructured.Unstructured) string {
	gv := strings.ReplaceAll(u.GetAPIVersion(), "/", "_")
	return fmt.Sprintf("%s_%s_%s.yaml", u.GetName(), gv, strings.ToLower(u.GetKind()))
}

func withoutNamespace(u *unstructured.Unstructured) *unstructured.Unstructured {
	u = u.DeepCopy()
	u.SetNamespace("")
	return u
}

func fromUnstructured(u *unstructured.Unstructured, into any) error {
	return runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, into)
}

func toUnstructured(obj any) (*unstructured.Unstructured, error) {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	return &unstructured.Unstructured{Object: m}, nil
}

// marshalObject writes an object as YAML without the empty status and creation timestamp that
// typed objects carry.
func marshalObject(obj any) ([]byte, error) {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		var err error
		if u, err = toUnstructured(obj); err != nil {
			return nil, err
		}
	}
	u = u.DeepCopy()
	delete(u.Object, "status")
	unstructured.RemoveNestedField(u.Object, "metadata", "creationTimestamp")
	return yaml.Marshal(u.Object)
}
