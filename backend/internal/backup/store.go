package backup

import (
	"context"
	"io"
)

// Object metadata keys (x-amz-meta-*): what restore checks before it reads
// the archive, and what an operator sees with `aws s3api head-object`.
const (
	MetaSHA256        = "sha256"
	MetaServerVersion = "server-version"
	MetaSchemaVersion = "schema-version"
	MetaFormat        = "format"
)

// Store is where backups live: S3 in production (S3Store); anything that keeps
// bytes and metadata in tests of the stage logic.
type Store interface {
	// Put uploads size bytes of body under key with metadata; body may be read more than once.
	Put(ctx context.Context, key string, body io.ReadSeeker, size int64, meta map[string]string) error
	// Get writes the object's bytes to w and returns its metadata.
	Get(ctx context.Context, key string, w io.Writer) (map[string]string, error)
	// List returns every key under prefix.
	List(ctx context.Context, prefix string) ([]string, error)
	// Describe names an object for messages, e.g. s3://bucket/key.
	Describe(key string) string
}
