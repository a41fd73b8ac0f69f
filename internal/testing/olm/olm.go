// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package olm installs operator-lifecycle-manager on the test bed's cluster, as OLM's own
// deployment does: its CRDs, then its two operators as pods on the real node (the OLM operator,
// which installs ClusterServiceVersions and their webhooks, and the catalog operator, which
// serves CatalogSources and resolves Subscriptions into InstallPlans), from an image of the
// binaries hack/build-olm.sh builds from the module. Catalog images are built here as the
// repository's catalog.Dockerfile builds them, opm serving a file-based catalog, so that a
// CatalogSource naming the image runs as it does on a cluster.
package olm

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	operatorsv1 "github.com/operator-framework/api/pkg/operators/v1"
	operatorsv1alpha1 "github.com/operator-framework/api/pkg/operators/v1alpha1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/internal/testing/nodebed"
	"github.com/mcp-operator/mcp-operator/internal/testing/ociimage"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

const (
	// Namespace is where OLM's operators run.
	Namespace = "olm"
	// CatalogNamespace is the catalog operator's global catalog namespace, named as on
	// OpenShift, so that catalog-source/ applies as shipped.
	CatalogNamespace = "openshift-marketplace"
	// Image is the image of OLM's binaries, under upstream's reference.
	Image = "quay.io/operator-framework/olm:v0.38.0"
	// OpmImage is opm's image, which OLM's bundle unpack Jobs run.
	OpmImage = "quay.io/operator-framework/opm:v1.65.0"
	// DirEnv names the folder of hack/build-olm.sh: olm, catalog, grpc_health_probe and crds/.
	DirEnv = "TEST_ASSET_OLM"
)

// OLM is operator-lifecycle-manager running on the bed's cluster.
type OLM struct {
	// Client reaches the cluster with OLM's types in its scheme.
	Client client.Client

	bed  *nodebed.Bed
	bins string
}

// Scheme is the test scheme with OLM's types.
func Scheme() *k8sruntime.Scheme {
	s := testenv.Scheme()
	for _, add := range []func(*k8sruntime.Scheme) error{operatorsv1.AddToScheme, operatorsv1alpha1.AddToScheme} {
		if err := add(s); err != nil {
			panic(err)
		}
	}
	return s
}

// Binaries returns the folder of OLM's binaries and CRDs, or an error naming what to run.
func Binaries() (string, error) {
	dir := os.Getenv(DirEnv)
	for _, f := range []string{"olm", "catalog", "cpb", "grpc_health_probe", "crds"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return "", fmt.Errorf("OLM is not built (%s=%q has no %s): run `make olm`", DirEnv, dir, f)
		}
	}
	return dir, nil
}

// Install installs OLM's CRDs and runs its two operators until they are Available.
func Install(ctx context.Context, bed *nodebed.Bed) (*OLM, error) {
	bins, err := Binaries()
	if err != nil {
		return nil, err
	}
	cl, err := client.New(bed.Cluster.Config, client.Options{Scheme: Scheme()})
	if err != nil {
		return nil, err
	}
	o := &OLM{Client: cl, bed: bed, bins: bins}
	if err := pushImages(bed, bins); err != nil {
		return nil, err
	}
	if err := o.installCRDs(ctx); err != nil {
		return nil, err
	}
	for _, obj := range operatorObjects() {
		if err := cl.Create(ctx, obj); err != nil {
			return nil, fmt.Errorf("creating %T %s: %w", obj, obj.GetName(), err)
		}
	}
	for _, name := range []string{"olm-operator", "catalog-operator"} {
		if err := bed.WaitAvailable(ctx, Namespace, name, 3*time.Minute); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// pushImages stores OLM's image as upstream's Dockerfile makes it (its binaries, and busybox's cp
// at /bin/cp for the bundle unpack Jobs) and opm's.
func pushImages(bed *nodebed.Bed, bins string) error {
	busybox, err := exec.LookPath("busybox")
	if err != nil {
		return fmt.Errorf("OLM's image needs a static busybox for its cp (Debian's busybox-static; hack/control-plane.sh node installs it): %w", err)
	}
	olm, err := ociimage.Build(ociimage.Spec{Files: map[string]ociimage.File{
		"/bin/olm":     {Source: filepath.Join(bins, "olm"), Mode: 0o755},
		"/bin/catalog": {Source: filepath.Join(bins, "catalog"), Mode: 0o755},
		"/bin/cpb":     {Source: filepath.Join(bins, "cpb"), Mode: 0o755},
		"/bin/cp":      {Source: busybox, Mode: 0o755},
	}, Entrypoint: []string{"/bin/olm"}, User: "1001"})
	if err != nil {
		return err
	}
	if err := bed.Registry.Push(Image, olm); err != nil {
		return err
	}
	opm, err := opmFiles(bins)
	if err != nil {
		return err
	}
	img, err := ociimage.Build(ociimage.Spec{Files: opm, Entrypoint: []string{"/bin/opm"}})
	if err != nil {
		return err
	}
	return bed.Registry.Push(OpmImage, img)
}

// opmFiles are the binaries of upstream's opm image: opm and grpc_health_probe.
func opmFiles(bins string) (map[string]ociimage.File, error) {
	opm := os.Getenv("OPM")
	if _, err := os.Stat(opm); err != nil {
		return nil, fmt.Errorf("opm is not built (OPM=%q): run `make opm`", opm)
	}
	return map[string]ociimage.File{
		"/bin/opm":               {Source: opm, Mode: 0o755},
		"/bin/grpc_health_probe": {Source: filepath.Join(bins, "grpc_health_probe"), Mode: 0o755},
	}, nil
}

// BundleImage is a bundle image as bundle.Dockerfile makes it: the bundle folder's manifests/
// and metadata/ at the root.
func BundleImage(bundleDir string) (v1.Image, error) {
	files := map[string]ociimage.File{}
	for _, sub := range []string{"manifests", "metadata"} {
		if err := addTree(files, nil, "/"+sub, filepath.Join(bundleDir, sub), 0o644); err != nil {
			return nil, err
		}
	}
	return ociimage.Build(ociimage.Spec{Files: files})
}

// installCRDs applies OLM's CRDs of the built version and waits until they are served.
func (o *OLM) installCRDs(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, os.Getenv("TEST_ASSET_KUBECTL"), "--kubeconfig", o.bed.Cluster.Kubeconfig,
		"apply", "--server-side", "-f", filepath.Join(o.bins, "crds"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("applying OLM's CRDs: %v\n%s", err, out)
	}
	return wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		return o.Client.List(ctx, &operatorsv1alpha1.SubscriptionList{}) == nil &&
			o.Client.List(ctx, &operatorsv1.OperatorGroupList{}) == nil &&
			o.Client.List(ctx, &operatorsv1alpha1.ClusterServiceVersionList{}) == nil, nil
	})
}

// operatorObjects are OLM's namespaces, its ServiceAccount bound to cluster-admin (upstream
// binds an aggregated role of every verb on every resource), and its two Deployments with the
// arguments of upstream's chart.
func operatorObjects() []client.Object {
	const sa = "olm-operator-serviceaccount"
	env := []corev1.EnvVar{
		{Name: "OPERATOR_NAMESPACE", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.namespace"}}},
	}
	return []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: Namespace}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: CatalogNamespace}},
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa, Namespace: Namespace}},
		&rbacv1.ClusterRoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "olm-operator-binding-olm"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
			Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: sa, Namespace: Namespace}},
		},
		deployment("olm-operator", sa, append(env, corev1.EnvVar{Name: "OPERATOR_NAME", Value: "olm-operator"}),
			"/bin/olm", "--namespace", "$(OPERATOR_NAMESPACE)", "--writeStatusName", "", "--writePackageServerStatusName", ""),
		deployment("catalog-operator", sa, env,
			"/bin/catalog", "--namespace", CatalogNamespace, "--util-image", Image, "--opmImage", OpmImage,
			"--configmapServerImage", Image,
			"--writeStatusName", ""),
	}
}

// deployment is one of OLM's operators, restricted as upstream's chart runs it.
func deployment(name, serviceAccount string, env []corev1.EnvVar, command ...string) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: Namespace, Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](1),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					ServiceAccountName: serviceAccount,
					SecurityContext: &corev1.PodSecurityContext{
						RunAsNonRoot: ptr.To(true), SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
					},
					Containers: []corev1.Container{{
						Name: name, Image: Image, Command: command[:1], Args: command[1:], Env: env,
						Ports: []corev1.ContainerPort{{Name: "metrics", ContainerPort: 8080}},
						ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
							HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(8080)},
						}},
						SecurityContext: &corev1.SecurityContext{
							AllowPrivilegeEscalation: ptr.To(false), ReadOnlyRootFilesystem: ptr.To(true),
							Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
						},
						VolumeMounts: []corev1.VolumeMount{{Name: "tmpfs", MountPath: "/tmp"}},
					}},
					Volumes: []corev1.Volume{{Name: "tmpfs", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
				},
			},
		},
	}
}

// CatalogImage is a catalog image as catalog-source/catalog.Dockerfile makes it: upstream's opm
// image (opm and grpc_health_probe in /bin) with the file-based catalog folder as /configs and
// its cache built, serving it on OLM's port.
func CatalogImage(catalogDir string) (v1.Image, error) {
	bins, err := Binaries()
	if err != nil {
		return nil, err
	}
	files, err := opmFiles(bins)
	if err != nil {
		return nil, err
	}
	opm := files["/bin/opm"].Source
	dirs := map[string]int64{"/tmp": 0o1777}
	if err := addTree(files, nil, "/configs", catalogDir, 0o644); err != nil {
		return nil, err
	}
	// opm serves only from a cache whose digest matches the catalog: the Dockerfile builds it
	// (RUN opm serve --cache-only), and so does this.
	cache, err := os.MkdirTemp("", "opm-cache-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(cache)
	cmd := exec.Command(opm, "serve", catalogDir, "--cache-dir", filepath.Join(cache, "cache"), "--cache-only")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("opm serve --cache-only: %v\n%s", err, out)
	}
	// opm opens the cache read-write (a lock file, its database): in upstream's image the build's
	// user, the one that runs it, owns it; here it is writable by any.
	if err := addTree(files, dirs, "/tmp/cache", filepath.Join(cache, "cache"), 0o666); err != nil {
		return nil, err
	}
	return ociimage.Build(ociimage.Spec{
		Files: files, Dirs: dirs,
		Entrypoint: []string{"/bin/opm"}, Cmd: []string{"serve", "/configs", "--cache-dir=/tmp/cache"},
	})
}

// addTree adds the files under dir to an image's files under prefix with mode, read now (the
// caller may remove dir before the image is written), and, when dirs is not nil, its folders to
// dirs as writable by any.
func addTree(files map[string]ociimage.File, dirs map[string]int64, prefix, dir string, mode int64) error {
	return filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		name := prefix + "/" + filepath.ToSlash(rel)
		if d.IsDir() {
			if dirs != nil {
				dirs[strings.TrimSuffix(name, "/.")] = 0o777
			}
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files[name] = ociimage.File{Data: data, Mode: mode}
		return nil
	})
}

// WaitCatalogReady waits until the catalog operator is connected to a CatalogSource's registry.
func (o *OLM) WaitCatalogReady(ctx context.Context, name string, timeout time.Duration) error {
	var last string
	err := wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		if err := o.bed.Cluster.Node.Healthy(); err != nil {
			return false, err
		}
		cs := &operatorsv1alpha1.CatalogSource{}
		if err := o.Client.Get(ctx, client.ObjectKey{Namespace: CatalogNamespace, Name: name}, cs); err != nil {
			last = err.Error()
			return false, nil
		}
		if cs.Status.GRPCConnectionState == nil {
			last = "no connection state yet"
			return false, nil
		}
		last = cs.Status.GRPCConnectionState.LastObservedState
		return last == "READY", nil
	})
	if err != nil {
		return fmt.Errorf("CatalogSource %s is not READY (%s): %w", name, last, err)
	}
	return nil
}
