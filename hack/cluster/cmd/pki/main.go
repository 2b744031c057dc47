// Command pki writes the certificates, keys and kubeconfigs of the one-node test cluster: one CA,
// the apiserver's serving certificate, the service-account key pair, a client certificate for
// each component (the identities the Node and RBAC authorizers know) and the kubelet's serving
// certificate, and the serving certificate of the node's image registry. An existing CA is kept, so a warm start reuses the whole set and kubeconfigs
// handed out earlier stay valid.
//
//	pki -dir DIR -node NAME -node-ip IP -host-server https://127.0.0.1:16443
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"log"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

type pair struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func main() {
	dir := flag.String("dir", "", "folder to write into")
	node := flag.String("node", "taskboard-node", "node name")
	nodeIP := flag.String("node-ip", "10.86.0.2", "node address inside the cluster's network namespace")
	serviceIP := flag.String("service-ip", "10.96.0.1", "the kubernetes Service's cluster IP")
	hostServer := flag.String("host-server", "https://127.0.0.1:16443", "apiserver URL as seen from the host (host.kubeconfig)")
	flag.Parse()
	if *dir == "" {
		log.Fatal("pki: -dir is required")
	}
	if err := run(*dir, *node, net.ParseIP(*nodeIP), net.ParseIP(*serviceIP), *hostServer); err != nil {
		log.Fatalf("pki: %v", err)
	}
}

func run(dir, node string, nodeIP, serviceIP net.IP, hostServer string) error {
	if nodeIP == nil || serviceIP == nil {
		return errors.New("bad -node-ip or -service-ip")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	ca, err := loadOrCreateCA(dir)
	if err != nil {
		return err
	}
	loopback := net.ParseIP("127.0.0.1")
	certs := []struct {
		file   string
		cn     string
		org    []string
		server bool
		dns    []string
		ips    []net.IP
	}{
		{"apiserver", "kube-apiserver", nil, true,
			[]string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"},
			[]net.IP{loopback, nodeIP, serviceIP}},
		{"kubelet-serving", "system:node:" + node, []string{"system:nodes"}, true, []string{node, "localhost"}, []net.IP{loopback, nodeIP}},
		{"admin", "kubernetes-admin", []string{"system:masters"}, false, nil, nil},
		{"controller-manager", "system:kube-controller-manager", nil, false, nil, nil},
		{"scheduler", "system:kube-scheduler", nil, false, nil, nil},
		{"kubelet", "system:node:" + node, []string{"system:nodes"}, false, nil, nil},
		{"kube-proxy", "system:kube-proxy", nil, false, nil, nil},
		{"apiserver-kubelet-client", "kube-apiserver-kubelet-client", []string{"system:masters"}, false, nil, nil},
		{"etcd", "etcd", nil, true, []string{"localhost"}, []net.IP{loopback}},
		// the image registry on the node address (ns-cluster.sh), also reached from the host's
		// loopback through nsfwd
		{"registry", "registry", nil, true, []string{"localhost"}, []net.IP{loopback, nodeIP}},
	}
	issued := map[string]pair{}
	for _, c := range certs {
		p, err := issue(ca, c.cn, c.org, c.server, c.dns, c.ips)
		if err != nil {
			return err
		}
		if err := writePair(dir, c.file, p); err != nil {
			return err
		}
		issued[c.file] = p
	}
	saKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if _, statErr := os.Stat(filepath.Join(dir, "sa.key")); statErr == nil {
		saKey, err = nil, nil // keep the signing key: tokens handed out earlier stay valid
	}
	if err != nil {
		return err
	}
	if saKey != nil {
		if err := writeKey(filepath.Join(dir, "sa.key"), saKey); err != nil {
			return err
		}
		pub, err := x509.MarshalPKIXPublicKey(&saKey.PublicKey)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "sa.pub"), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o644); err != nil {
			return err
		}
	}
	inside := "https://127.0.0.1:6443"
	for _, k := range []struct{ file, user, server string }{
		{"admin.kubeconfig", "admin", inside},
		{"host.kubeconfig", "admin", hostServer},
		{"controller-manager.kubeconfig", "controller-manager", inside},
		{"scheduler.kubeconfig", "scheduler", inside},
		{"kubelet.kubeconfig", "kubelet", inside},
		{"kube-proxy.kubeconfig", "kube-proxy", inside},
	} {
		if err := writeKubeconfig(filepath.Join(dir, k.file), k.server, ca.cert, issued[k.user]); err != nil {
			return err
		}
	}
	return nil
}

func loadOrCreateCA(dir string) (pair, error) {
	certPEM, errC := os.ReadFile(filepath.Join(dir, "ca.crt"))
	keyPEM, errK := os.ReadFile(filepath.Join(dir, "ca.key"))
	if errC == nil && errK == nil {
		cb, _ := pem.Decode(certPEM)
		kb, _ := pem.Decode(keyPEM)
		if cb == nil || kb == nil {
			return pair{}, errors.New("ca.crt or ca.key is not PEM")
		}
		cert, err := x509.ParseCertificate(cb.Bytes)
		if err != nil {
			return pair{}, err
		}
		key, err := x509.ParseECPrivateKey(kb.Bytes)
		if err != nil {
			return pair{}, err
		}
		return pair{cert, key}, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return pair{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "taskboard-test-cluster-ca"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().AddDate(1, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return pair{}, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return pair{}, err
	}
	p := pair{cert, key}
	return p, writePair(dir, "ca", p)
}

func issue(ca pair, cn string, org []string, server bool, dns []string, ips []net.IP) (pair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return pair{}, err
	}
	usage := []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	if server {
		usage = append(usage, x509.ExtKeyUsageServerAuth)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: cn, Organization: org},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     ca.cert.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  usage,
		DNSNames:     dns,
		IPAddresses:  ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return pair{}, err
	}
	cert, err := x509.ParseCertificate(der)
	return pair{cert, key}, err
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		panic(err)
	}
	return n
}

func certPEM(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

func keyPEM(k *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), nil
}

func writeKey(path string, k *ecdsa.PrivateKey) error {
	b, err := keyPEM(k)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

func writePair(dir, name string, p pair) error {
	if err := os.WriteFile(filepath.Join(dir, name+".crt"), certPEM(p.cert), 0o644); err != nil {
		return err
	}
	return writeKey(filepath.Join(dir, name+".key"), p.key)
}

func writeKubeconfig(path, server string, ca *x509.Certificate, user pair) error {
	k, err := keyPEM(user.key)
	if err != nil {
		return err
	}
	b64 := base64.StdEncoding.EncodeToString
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: taskboard-test
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: %s
  user:
    client-certificate-data: %s
    client-key-data: %s
contexts:
- name: taskboard-test
  context:
    cluster: taskboard-test
    user: %s
current-context: taskboard-test
`, server, b64(certPEM(ca)), user.cert.Subject.CommonName, b64(certPEM(user.cert)), b64(k), user.cert.Subject.CommonName)
	return os.WriteFile(path, []byte(cfg), 0o600)
}
