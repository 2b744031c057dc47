package backup

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// archiveReader walks an archive written by Dump: the manifest, then each
// table's member in the manifest's order, each checked against its SHA-256.
type archiveReader struct {
	zr *gzip.Reader
	tr *tar.Reader
	m  Manifest
}

// maxManifest bounds what is read as JSON: a manifest is a few kilobytes.
const maxManifest = 1 << 20

func openArchive(r io.Reader) (*archiveReader, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("not a backup archive (gzip): %w", err)
	}
	a := &archiveReader{zr: zr, tr: tar.NewReader(zr)}
	hdr, err := a.tr.Next()
	if err != nil {
		return nil, fmt.Errorf("not a backup archive (tar): %w", err)
	}
	if hdr.Name != manifestName || hdr.Size > maxManifest {
		return nil, fmt.Errorf("not a backup archive: first member is %q, want %s", hdr.Name, manifestName)
	}
	if err := json.NewDecoder(io.LimitReader(a.tr, maxManifest)).Decode(&a.m); err != nil {
		return nil, fmt.Errorf("read %s: %w", manifestName, err)
	}
	if err := a.m.check(); err != nil {
		return nil, err
	}
	return a, nil
}

// eachTable hands every table's rows to fn as a reader; after fn returns it
// checks that exactly the recorded bytes, with the recorded SHA-256, were read.
func (a *archiveReader) eachTable(fn func(Table, io.Reader) error) error {
	for _, t := range a.m.Tables {
		hdr, err := a.tr.Next()
		if err != nil {
			return fmt.Errorf("archive ends before %s: %w", t.Member(), err)
		}
		if hdr.Name != t.Member() || hdr.Size != t.Bytes {
			return fmt.Errorf("archive member %q (%d bytes), manifest wants %s (%d bytes)", hdr.Name, hdr.Size, t.Member(), t.Bytes)
		}
		h := sha256.New()
		body := io.TeeReader(a.tr, h)
		if err := fn(t, body); err != nil {
			return err
		}
		if _, err := io.Copy(io.Discard, body); err != nil {
			return fmt.Errorf("read %s: %w", t.Member(), err)
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != t.SHA256 {
			return fmt.Errorf("%s: SHA-256 %s, manifest says %s", t.Member(), got, t.SHA256)
		}
	}
	if _, err := a.tr.Next(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("archive holds more than its manifest lists (%v)", err)
	}
	// Reading to the end makes gzip check its own CRC and length.
	if _, err := io.Copy(io.Discard, a.zr); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	return a.zr.Close()
}

// Inspect reads a whole archive without a database: the manifest and every
// member's size and SHA-256. Restore runs it before touching the database.
func Inspect(r io.Reader) (Manifest, error) {
	a, err := openArchive(r)
	if err != nil {
		return Manifest{}, err
	}
	err = a.eachTable(func(Table, io.Reader) error { return nil })
	return a.m, err
}
