package offline

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	ggcrtypes "github.com/google/go-containerregistry/pkg/v1/types"
)

// The OCI artifact of mirror.gcr.io/aquasec/trivy-db:2 and ghcr.io/aquasecurity/trivy-db:2, as
// Trivy v0.74.0 downloads it (pkg/db: layer media type; pkg/oci: exactly one layer, whose
// org.opencontainers.image.title annotation names the file it saves and then decompresses by
// its extension). Trivy does not read the config; it is "{}" as in the published artifact.
const (
	TrivyDBConfigMediaType = "application/vnd.aquasec.trivy.config.v1+json"
	TrivyDBLayerMediaType  = "application/vnd.aquasec.trivy.db.layer.v1.tar+gzip"
	TrivyDBLayerTitle      = "db.tar.gz"
	// TrivyDBTag is the tag Trivy asks for: the database schema version.
	TrivyDBTag = "2"
)

// TrivyArgs are the flags that make Trivy 0.74 take its vulnerability database from the
// repository ref (e.g. "10.0.0.1:5000/trivy-db:2", pushed by PushTrivyDB) over plain HTTP and
// reach nothing else: no Java DB, no version check, no telemetry. Add --scanners and the rest.
func TrivyArgs(ref string) []string {
	return []string{
		"--db-repository", ref,
		"--insecure",
		"--skip-java-db-update",
		"--skip-version-check",
		"--disable-telemetry",
	}
}

// PushTrivyDB pushes the database directory written by BuildTrivyDB to ref (e.g.
// "127.0.0.1:5000/trivy-db:2") as the OCI artifact Trivy pulls with --db-repository: an OCI
// image manifest with config media type TrivyDBConfigMediaType and one layer of media type
// TrivyDBLayerMediaType, a tar.gz of trivy.db and metadata.json titled "db.tar.gz". insecure
// allows plain HTTP to a registry that is not on localhost. It pushes anonymously.
func PushTrivyDB(dbDir, ref string, insecure bool) error {
	var opts []name.Option
	if insecure {
		opts = append(opts, name.Insecure)
	}
	tag, err := name.ParseReference(ref, opts...)
	if err != nil {
		return fmt.Errorf("trivy-db reference %q: %w", ref, err)
	}
	layerData, err := trivyDBArchive(dbDir)
	if err != nil {
		return err
	}
	layer := static.NewLayer(layerData, ggcrtypes.MediaType(TrivyDBLayerMediaType))
	config := static.NewLayer([]byte("{}"), ggcrtypes.MediaType(TrivyDBConfigMediaType))
	ropts := []remote.Option{remote.WithAuth(authn.Anonymous)}
	for _, blob := range []v1.Layer{config, layer} {
		if err := remote.WriteLayer(tag.Context(), blob, ropts...); err != nil {
			return fmt.Errorf("pushing a trivy-db blob to %s: %w", tag.Context(), err)
		}
	}
	manifest, err := artifactManifest(config, layer)
	if err != nil {
		return err
	}
	if err := remote.Put(tag, manifest, ropts...); err != nil {
		return fmt.Errorf("pushing the trivy-db manifest to %s: %w", tag, err)
	}
	return nil
}

// artifactManifest is the OCI image manifest of the database artifact.
func artifactManifest(config, layer v1.Layer) (rawManifest, error) {
	desc := func(l v1.Layer, annotations map[string]string) (v1.Descriptor, error) {
		d, err := l.Digest()
		if err != nil {
			return v1.Descriptor{}, err
		}
		size, err := l.Size()
		if err != nil {
			return v1.Descriptor{}, err
		}
		mt, err := l.MediaType()
		if err != nil {
			return v1.Descriptor{}, err
		}
		return v1.Descriptor{MediaType: mt, Size: size, Digest: d, Annotations: annotations}, nil
	}
	cd, err := desc(config, nil)
	if err != nil {
		return rawManifest{}, err
	}
	ld, err := desc(layer, map[string]string{"org.opencontainers.image.title": TrivyDBLayerTitle})
	if err != nil {
		return rawManifest{}, err
	}
	m := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     ggcrtypes.OCIManifestSchema1,
		Config:        cd,
		Layers:        []v1.Descriptor{ld},
		Annotations:   map[string]string{"org.opencontainers.image.created": time.Now().UTC().Format(time.RFC3339)},
	}
	data, err := json.Marshal(m)
	if err != nil {
		return rawManifest{}, err
	}
	return rawManifest{data: data, mediaType: ggcrtypes.OCIManifestSchema1}, nil
}

// rawManifest is a manifest remote.Put writes as is.
type rawManifest struct {
	data      []byte
	mediaType ggcrtypes.MediaType
}

func (m rawManifest) RawManifest() ([]byte, error)            { return m.data, nil }
func (m rawManifest) MediaType() (ggcrtypes.MediaType, error) { return m.mediaType, nil }

// trivyDBArchive is the gzipped tar of trivy.db and metadata.json, at the root of the archive
// as in the published db.tar.gz.
func trivyDBArchive(dbDir string) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, f := range trivyDBFiles(dbDir) {
		data, err := os.ReadFile(filepath.Join(dbDir, f))
		if err != nil {
			return nil, fmt.Errorf("trivy-db directory %s: %w", dbDir, err)
		}
		hdr := &tar.Header{Name: f, Mode: 0o644, Size: int64(len(data)), ModTime: time.Now(), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
