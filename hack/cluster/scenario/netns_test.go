package scenario

import (
	"crypto/tls"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
)

// nodeIP is the node's address inside make test-cluster's network namespace: its registry, and the
// listeners the scenarios open there for the pods.
func nodeIP() string {
	if ip := os.Getenv("TASKBOARD_CLUSTER_NODE_IP"); ip != "" {
		return ip
	}
	return "10.86.0.2"
}

// tlsListenerInNetns listens on the node address with the registry's certificate (issued for that
// address by the cluster's CA); it returns the listener and the CA file to trust.
func tlsListenerInNetns(t *testing.T, pid string) (net.Listener, string, error) {
	t.Helper()
	ca := os.Getenv("TASKBOARD_CLUSTER_CA")
	if ca == "" {
		t.Fatal("TASKBOARD_CLUSTER_CA is unset: make test-cluster's own cluster sets it (cluster.sh env)")
	}
	pki := filepath.Dir(ca)
	cert, err := tls.LoadX509KeyPair(filepath.Join(pki, "registry.crt"), filepath.Join(pki, "registry.key"))
	if err != nil {
		return nil, "", err
	}
	ln, err := listenInNetns(pid, net.JoinHostPort(nodeIP(), "0"))
	if err != nil {
		return nil, "", err
	}
	return tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}), ca, nil
}

// forwardFromNetns makes target, an address of this (the host's) namespace, reachable on the node
// address inside the cluster's namespace; it returns that address. Connections are copied both
// ways until either side closes; the listener lives as long as the test binary.
func forwardFromNetns(t *testing.T, pid, target string) string {
	t.Helper()
	ln, err := listenInNetns(pid, net.JoinHostPort(nodeIP(), "0"))
	if err != nil {
		t.Fatalf("listen in the cluster's namespace: %v", err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				d, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				defer d.Close()
				done := make(chan struct{}, 2)
				go func() { io.Copy(d, c); done <- struct{}{} }()
				go func() { io.Copy(c, d); done <- struct{}{} }()
				<-done
			}()
		}
	}()
	return ln.Addr().String()
}
