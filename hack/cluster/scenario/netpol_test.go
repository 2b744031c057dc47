package scenario

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// clientPod starts a pod that runs the PostgreSQL image's client tools (pg_isready, psql) and
// nothing else, with the StatefulSet's pod and container security settings and limits (so the
// policies admit it as they admit the StatefulSet), and the labels given: the NetworkPolicies
// decide from those labels what it may reach. It returns the pod's name once it runs.
func clientPod(t *testing.T, ctx context.Context, c *cluster, stsObj *unstructured.Unstructured, name string, labels map[string]string) string {
	t.Helper()
	var sts appsv1.StatefulSet
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(stsObj.Object, &sts); err != nil {
		t.Fatalf("StatefulSet %s: %v", stsObj.GetName(), err)
	}
	tmpl := sts.Spec.Template.Spec
	pg := tmpl.Containers[0]
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: appNamespace, Labels: labels},
		Spec: corev1.PodSpec{
			SecurityContext:               tmpl.SecurityContext,
			ImagePullSecrets:              tmpl.ImagePullSecrets,
			AutomountServiceAccountToken:  new(bool),
			TerminationGracePeriodSeconds: new(int64),
			Containers: []corev1.Container{{
				Name:            "client",
				Image:           pg.Image,
				ImagePullPolicy: pg.ImagePullPolicy,
				Command:         []string{"sh", "-c", "exec sleep 3600"},
				Env:             []corev1.EnvVar{{Name: "POSTGRES_USER", Value: "taskboard"}, {Name: "POSTGRES_DB", Value: "taskboard"}},
				SecurityContext: pg.SecurityContext,
				// the limits of the database, but a request a small node still has room for
				Resources: corev1.ResourceRequirements{Limits: pg.Resources.Limits, Requests: corev1.ResourceList{
					corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("32Mi"),
					corev1.ResourceEphemeralStorage: resource.MustParse("16Mi"),
				}},
			}},
		},
	}
	err := c.kube.CoreV1().Pods(appNamespace).Delete(ctx, name, metav1.DeleteOptions{GracePeriodSeconds: new(int64)})
	if err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
	waitFor(t, "an earlier pod "+name+" gone", time.Minute, func() (bool, string, error) {
		_, err := c.kube.CoreV1().Pods(appNamespace).Get(ctx, name, metav1.GetOptions{})
		return apierrors.IsNotFound(err), fmt.Sprint(err), nil
	})
	if _, err := c.kube.CoreV1().Pods(appNamespace).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatalf("pod %s refused: %v", name, err)
	}
	t.Cleanup(func() {
		_ = c.kube.CoreV1().Pods(appNamespace).Delete(context.Background(), name, metav1.DeleteOptions{GracePeriodSeconds: new(int64)})
	})
	waitFor(t, "pod "+name+" running", 2*time.Minute, func() (bool, string, error) {
		p, err := c.kube.CoreV1().Pods(appNamespace).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err.Error(), nil
		}
		return p.Status.Phase == corev1.PodRunning, podState(p) + "; " + lastEvents(ctx, c, name), nil
	})
	return name
}

// componentLabels are the selector labels the chart gives one component's pods
// (taskboard.selectorLabels), read from the rendered object of that component.
func componentLabels(t *testing.T, objs []*unstructured.Unstructured, kind, component string) map[string]string {
	t.Helper()
	for _, o := range objs {
		if o.GetKind() != kind {
			continue
		}
		l, _, _ := unstructured.NestedStringMap(o.Object, "spec", "jobTemplate", "spec", "template", "metadata", "labels")
		if l == nil {
			l, _, _ = unstructured.NestedStringMap(o.Object, "spec", "template", "metadata", "labels")
		}
		if l["app.kubernetes.io/component"] == component {
			sel := map[string]string{}
			for _, k := range []string{"app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component"} {
				sel[k] = l[k]
			}
			return sel
		}
	}
	t.Fatalf("the chart rendered no %s whose pods are component %q", kind, component)
	return nil
}

// pgReachable runs pg_isready in pod against host:port: "accepting connections" is reached, "no
// response" (a dropped SYN: pg_isready's exit 2 within its timeout) is not.
func pgReachable(ctx context.Context, c *cluster, pod, container, host string, port int32) (bool, string) {
	out, err := c.exec(ctx, appNamespace, pod, container, "sh", "-c",
		`pg_isready -t 3 -h "$1" -p "$2" -U taskboard -d taskboard; echo "exit $?"`, "sh", host, fmt.Sprint(port))
	if err != nil {
		return false, short(out) + " " + err.Error()
	}
	return strings.Contains(out, "accepting connections"), short(out)
}
