// Command provisioner is the test cluster's dynamic volume provisioner, in the manner of kind's
// local-path-provisioner: it makes the default StorageClass "local" (WaitForFirstConsumer), and for
// each claim of that class that the scheduler has placed on a node it creates a folder under -root
// and a `local` PersistentVolume there, bound to the claim. The kubelet mounts a local volume
// with the pod's fsGroup applied (pkg/volume/local), as it would an EBS volume. A released volume
// is deleted, folder and all. One node only: the folder is on the machine the node runs on.
//
//	provisioner -kubeconfig FILE -root DIR
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

const (
	name          = "taskboard.test/local"
	className     = "local"
	selectedNode  = "volume.kubernetes.io/selected-node"
	provisionedBy = "pv.kubernetes.io/provisioned-by"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the cluster")
	root := flag.String("root", "", "folder under which volumes are made")
	flag.Parse()
	if *kubeconfig == "" || *root == "" {
		log.Fatal("provisioner: -kubeconfig and -root are required")
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		log.Fatal(err)
	}
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	p := &provisioner{kube: kube, root: *root}
	for ctx.Err() == nil {
		if err := p.ensureClass(ctx); err != nil {
			log.Printf("provisioner: storage class: %v", err)
		} else if err := p.pass(ctx); err != nil {
			log.Printf("provisioner: %v", err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

type provisioner struct {
	kube      kubernetes.Interface
	root      string
	haveClass bool
}

func (p *provisioner) ensureClass(ctx context.Context) error {
	if p.haveClass {
		return nil
	}
	mode := storagev1.VolumeBindingWaitForFirstConsumer
	policy := corev1.PersistentVolumeReclaimDelete
	sc := &storagev1.StorageClass{
		ObjectMeta: metav1.ObjectMeta{
			Name:        className,
			Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"},
		},
		Provisioner:       name,
		VolumeBindingMode: &mode,
		ReclaimPolicy:     &policy,
	}
	_, err := p.kube.StorageV1().StorageClasses().Create(ctx, sc, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	p.haveClass = true
	log.Printf("provisioner: StorageClass %s (default) provisions with %s", className, name)
	return nil
}

// pass provisions every claim waiting for this provisioner and deletes every released volume.
func (p *provisioner) pass(ctx context.Context) error {
	classes, err := p.kube.StorageV1().StorageClasses().List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	ours := map[string]bool{}
	for _, sc := range classes.Items {
		if sc.Provisioner == name {
			ours[sc.Name] = true
		}
	}
	claims, err := p.kube.CoreV1().PersistentVolumeClaims("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	for i := range claims.Items {
		c := &claims.Items[i]
		if c.Status.Phase != corev1.ClaimPending || c.Spec.VolumeName != "" || c.Spec.StorageClassName == nil || !ours[*c.Spec.StorageClassName] {
			continue
		}
		node := c.Annotations[selectedNode]
		if node == "" {
			continue // WaitForFirstConsumer: the scheduler picks the node first
		}
		if err := p.provision(ctx, c, node); err != nil {
			log.Printf("provisioner: claim %s/%s: %v", c.Namespace, c.Name, err)
		}
	}
	vols, err := p.kube.CoreV1().PersistentVolumes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	for i := range vols.Items {
		v := &vols.Items[i]
		if v.Annotations[provisionedBy] != name || v.Status.Phase != corev1.VolumeReleased || v.Spec.PersistentVolumeReclaimPolicy != corev1.PersistentVolumeReclaimDelete {
			continue
		}
		if v.Spec.Local != nil {
			if err := os.RemoveAll(v.Spec.Local.Path); err != nil {
				log.Printf("provisioner: %s: %v", v.Name, err)
				continue
			}
		}
		if err := p.kube.CoreV1().PersistentVolumes().Delete(ctx, v.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			log.Printf("provisioner: delete %s: %v", v.Name, err)
		} else {
			log.Printf("provisioner: deleted released volume %s", v.Name)
		}
	}
	return nil
}

func (p *provisioner) provision(ctx context.Context, c *corev1.PersistentVolumeClaim, node string) error {
	pvName := "pvc-" + string(c.UID)
	dir := filepath.Join(p.root, fmt.Sprintf("%s_%s_%s", c.Namespace, c.Name, pvName))
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	if err := os.Chmod(dir, 0o777); err != nil { // the kubelet narrows it to the pod's fsGroup
		return err
	}
	size := c.Spec.Resources.Requests[corev1.ResourceStorage]
	if size.IsZero() {
		size = resource.MustParse("1Gi")
	}
	fs := corev1.PersistentVolumeFilesystem
	pv := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: pvName, Annotations: map[string]string{provisionedBy: name}},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: size},
			AccessModes:                   c.Spec.AccessModes,
			PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimDelete,
			StorageClassName:              *c.Spec.StorageClassName,
			VolumeMode:                    &fs,
			ClaimRef: &corev1.ObjectReference{
				Kind: "PersistentVolumeClaim", APIVersion: "v1",
				Namespace: c.Namespace, Name: c.Name, UID: c.UID,
			},
			PersistentVolumeSource: corev1.PersistentVolumeSource{Local: &corev1.LocalVolumeSource{Path: dir}},
			NodeAffinity: &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
				MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "kubernetes.io/hostname", Operator: corev1.NodeSelectorOpIn, Values: []string{node}}},
			}}}},
		},
	}
	if _, err := p.kube.CoreV1().PersistentVolumes().Create(ctx, pv, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	log.Printf("provisioner: %s for claim %s/%s (%s) at %s", pvName, c.Namespace, c.Name, size.String(), dir)
	return nil
}
