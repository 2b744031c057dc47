package backup_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/devsecops-reference/taskboard/backend/internal/testsupport/pgtest"
	"github.com/devsecops-reference/taskboard/backend/internal/testsupport/s3test"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// copyObject uploads body under dst with the metadata (checksum included) of
// src: a damaged copy of a good backup, as a bad disk or a cut upload leaves it.
func copyObject(t *testing.T, ctx context.Context, srv *s3test.Server, src, dst string, body []byte) {
	t.Helper()
	client := s3.New(s3.Options{
		Region:       s3test.Region,
		BaseEndpoint: aws.String(srv.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(s3test.Access, s3test.Secret, ""),
	})
	head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(src)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(dst), Body: bytes.NewReader(body), Metadata: head.Metadata,
	})
	if err != nil {
		t.Fatal(err)
	}
}
