package admission

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"strings"
)

// PublicKey reads a public key in any form a person or a variable store keeps one: PEM over
// many lines, PEM flattened onto one line (how a variable group keeps it), or the base64 of
// either the PEM or the DER. It returns the key's DER (PKIX), so that two spellings of one key
// compare equal.
func PublicKey(text string) ([]byte, error) {
	trimmed := strings.TrimSpace(text)
	if trimmed == "" {
		return nil, errors.New("the public key is empty")
	}
	if strings.HasPrefix(trimmed, "-----BEGIN ") {
		return fromPEM(trimmed)
	}
	decoded, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(trimmed), ""))
	if err != nil {
		return nil, errors.New("the public key is neither PEM nor base64")
	}
	if bytes.HasPrefix(bytes.TrimSpace(decoded), []byte("-----BEGIN ")) {
		return fromPEM(string(decoded))
	}
	return parseDER(decoded)
}

// fromPEM takes a PEM block whose line breaks may have become spaces.
func fromPEM(text string) ([]byte, error) {
	const begin, end = "-----BEGIN PUBLIC KEY-----", "-----END PUBLIC KEY-----"
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, begin) || !strings.Contains(text, end) {
		return nil, errors.New("the key is PEM, but not a PUBLIC KEY block")
	}
	body := text[len(begin):strings.Index(text, end)]
	der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(body), ""))
	if err != nil {
		return nil, errors.New("the PUBLIC KEY block's body is not base64")
	}
	return parseDER(der)
}

func parseDER(der []byte) ([]byte, error) {
	if _, err := x509.ParsePKIXPublicKey(der); err != nil {
		return nil, errors.New("not a public key (PKIX): " + err.Error())
	}
	return der, nil
}

// PEM is the canonical spelling of a key read by PublicKey, as cosign.pub and Kyverno write it.
func PEM(der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}
