package scenario

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/transport/spdy"
)

// portForward is `kubectl port-forward pod/POD :PORT` through the API server and the kubelet: the
// returned address (127.0.0.1:N) reaches PORT of the pod until stop is called (at the latest when
// the test ends). The scenarios run on the host; pod IPs are inside the cluster's network.
func (c *cluster) portForward(t *testing.T, ctx context.Context, ns, pod string, port int) (addr string, stop func()) {
	t.Helper()
	u := c.kube.CoreV1().RESTClient().Post().Resource("pods").Namespace(ns).Name(pod).SubResource("portforward").URL()
	transport, upgrader, err := spdy.RoundTripperFor(c.cfg)
	if err != nil {
		t.Fatal(err)
	}
	dialer := spdy.NewDialer(upgrader, &http.Client{Transport: transport}, "POST", u)
	stopCh, readyCh := make(chan struct{}), make(chan struct{})
	var errOut bytes.Buffer
	fw, err := portforward.NewOnAddresses(dialer, []string{"127.0.0.1"}, []string{fmt.Sprintf("0:%d", port)}, stopCh, readyCh, io.Discard, &errOut)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- fw.ForwardPorts() }()
	select {
	case <-readyCh:
	case err := <-done:
		t.Fatalf("port-forward to %s/%s:%d: %v %s", ns, pod, port, err, errOut.String())
	case <-time.After(30 * time.Second):
		close(stopCh)
		t.Fatalf("port-forward to %s/%s:%d: not ready after 30 s %s", ns, pod, port, errOut.String())
	case <-ctx.Done():
		close(stopCh)
		t.Fatal(ctx.Err())
	}
	ports, err := fw.GetPorts()
	if err != nil || len(ports) != 1 {
		close(stopCh)
		t.Fatalf("port-forward to %s/%s:%d: %v", ns, pod, port, err)
	}
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			close(stopCh)
			<-done
		}
	}
	t.Cleanup(stop)
	return fmt.Sprintf("127.0.0.1:%d", ports[0].Local), stop
}
