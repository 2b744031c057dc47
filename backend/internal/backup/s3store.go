package backup

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// S3Config says where backups go and how S3 encrypts them.
type S3Config struct {
	Bucket string
	Prefix string // "" or ending in "/"
	// SSE is AES256 (SSE-S3), aws:kms (SSE-KMS, with KMSKeyID or the account's
	// aws/s3 key), or "none" for S3-compatible servers without encryption (tests).
	SSE      string
	KMSKeyID string
	// Endpoint and PathStyle point the client at an S3-compatible server; empty on AWS.
	Endpoint  string
	PathStyle bool
}

// S3Store keeps backups in one bucket.
type S3Store struct {
	cfg    S3Config
	client *s3.Client
}

// NewS3Store builds a client from the SDK's default credential chain: on EKS
// that is IRSA (AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE, injected for a
// ServiceAccount annotated eks.amazonaws.com/role-arn). No key is ever configured here.
func NewS3Store(ctx context.Context, cfg S3Config) (*S3Store, error) {
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	client := s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
		o.UsePathStyle = cfg.PathStyle
	})
	return &S3Store{cfg: cfg, client: client}, nil
}

func (s *S3Store) Describe(key string) string { return "s3://" + s.cfg.Bucket + "/" + key }

func (s *S3Store) Put(ctx context.Context, key string, body io.ReadSeeker, size int64, meta map[string]string) error {
	in := &s3.PutObjectInput{
		Bucket:        aws.String(s.cfg.Bucket),
		Key:           aws.String(key),
		Body:          body,
		ContentLength: aws.Int64(size),
		ContentType:   aws.String("application/gzip"),
		Metadata:      meta,
	}
	switch s.cfg.SSE {
	case "AES256":
		in.ServerSideEncryption = types.ServerSideEncryptionAes256
	case "aws:kms":
		in.ServerSideEncryption = types.ServerSideEncryptionAwsKms
		if s.cfg.KMSKeyID != "" {
			in.SSEKMSKeyId = aws.String(s.cfg.KMSKeyID)
		}
	}
	if _, err := s.client.PutObject(ctx, in); err != nil {
		return fmt.Errorf("upload %s: %w", s.Describe(key), err)
	}
	return nil
}

func (s *S3Store) Get(ctx context.Context, key string, w io.Writer) (map[string]string, error) {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.cfg.Bucket), Key: aws.String(key)})
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", s.Describe(key), err)
	}
	defer out.Body.Close()
	if _, err := io.Copy(w, out.Body); err != nil {
		return nil, fmt.Errorf("download %s: %w", s.Describe(key), err)
	}
	return out.Metadata, nil
}

func (s *S3Store) List(ctx context.Context, prefix string) ([]string, error) {
	var keys []string
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: aws.String(s.cfg.Bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			var nb *types.NoSuchBucket
			if errors.As(err, &nb) {
				return nil, fmt.Errorf("list s3://%s/%s: no such bucket", s.cfg.Bucket, prefix)
			}
			return nil, fmt.Errorf("list s3://%s/%s: %w", s.cfg.Bucket, prefix, err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys, nil
}
