// Command nsfwd forwards TCP connections from an address of the host's network namespace
// (loopback) to an address inside another network namespace, such as the cluster's apiserver.
// It dials from one OS thread that has joined the target namespace, so no interface, route or
// iptables rule is added anywhere. It exits when the namespace's owner process is gone.
//
//	nsfwd -listen 127.0.0.1:16443 -pid 1234 -to 127.0.0.1:6443
//
// With -tls-ca it speaks TLS to the target (verified against that CA) and plain TCP to its
// clients: how a Dagger engine, which pushes to the cluster's registry over plain HTTP inside its
// own namespace, reaches a registry that serves TLS only (make test-cluster-release).
package main

import (
	"crypto/tls"
	"crypto/x509"
	"flag"
	"io"
	"log"
	"net"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

type dialReq struct {
	reply chan dialRes
}

type dialRes struct {
	conn net.Conn
	err  error
}

func main() {
	listen := flag.String("listen", "127.0.0.1:16443", "address to listen on, in this process's network namespace")
	pid := flag.Int("pid", 0, "a process whose network namespace holds the target")
	to := flag.String("to", "127.0.0.1:6443", "address to connect to inside that namespace")
	tlsCA := flag.String("tls-ca", "", "speak TLS to the target, trusting this CA certificate (PEM); clients speak plain TCP")
	flag.Parse()
	if *pid <= 0 {
		log.Fatal("nsfwd: -pid is required")
	}
	var tlsConfig *tls.Config
	if *tlsCA != "" {
		pem, err := os.ReadFile(*tlsCA)
		if err != nil {
			log.Fatalf("nsfwd: %v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			log.Fatalf("nsfwd: %s holds no PEM certificate", *tlsCA)
		}
		host, _, err := net.SplitHostPort(*to)
		if err != nil {
			log.Fatalf("nsfwd: -to: %v", err)
		}
		tlsConfig = &tls.Config{RootCAs: pool, ServerName: host, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("nsfwd: %v", err)
	}
	dials := make(chan dialReq)
	ready := make(chan error)
	go dialer(*pid, *to, dials, ready)
	if err := <-ready; err != nil {
		log.Fatalf("nsfwd: %v", err)
	}
	go func() { // the namespace's owner gone: nothing left to forward to
		for {
			if err := syscall.Kill(*pid, 0); err != nil {
				log.Printf("nsfwd: pid %d gone, exiting", *pid)
				os.Exit(0)
			}
			time.Sleep(2 * time.Second)
		}
	}()
	log.Printf("nsfwd: %s -> %s in the network namespace of pid %d", *listen, *to, *pid)
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Fatalf("nsfwd: %v", err)
		}
		go func() {
			r := dialReq{reply: make(chan dialRes, 1)}
			dials <- r
			res := <-r.reply
			if res.err != nil {
				log.Printf("nsfwd: %v", res.err)
				c.Close()
				return
			}
			target := res.conn
			if tlsConfig != nil {
				tc := tls.Client(target, tlsConfig)
				if err := tc.Handshake(); err != nil {
					log.Printf("nsfwd: TLS to %s: %v", *to, err)
					c.Close()
					target.Close()
					return
				}
				target = tc
			}
			pipe(c, target)
		}()
	}
}

// dialer joins the target network namespace on its own locked thread and serves every dial
// from there: a socket belongs to the namespace of the thread that created it. The thread is
// never unlocked, so the runtime never reuses it for other goroutines.
func dialer(pid int, to string, dials <-chan dialReq, ready chan<- error) {
	runtime.LockOSThread()
	fd, err := unix.Open("/proc/"+strconv.Itoa(pid)+"/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err == nil {
		err = unix.Setns(fd, unix.CLONE_NEWNET)
		unix.Close(fd)
	}
	ready <- err
	if err != nil {
		return
	}
	for r := range dials {
		c, err := net.DialTimeout("tcp", to, 5*time.Second)
		r.reply <- dialRes{c, err}
	}
}

func pipe(a, b net.Conn) {
	done := make(chan struct{}, 2)
	cp := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		if hc, ok := dst.(interface{ CloseWrite() error }); ok { // TCP and TLS both half-close
			_ = hc.CloseWrite()
		}
		done <- struct{}{}
	}
	go cp(a, b)
	go cp(b, a)
	<-done
	<-done
	a.Close()
	b.Close()
}
