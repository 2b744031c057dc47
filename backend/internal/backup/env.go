package backup

import (
	"fmt"
	"strconv"
	"strings"
)

// S3ConfigFromEnv reads BACKUP_S3_* (the chart's CronJob and restore Job set them):
//
//	BACKUP_S3_BUCKET      required
//	BACKUP_S3_PREFIX      key prefix, e.g. "taskboard/prod" (default: none)
//	BACKUP_S3_SSE         AES256 (default, SSE-S3) | aws:kms (SSE-KMS) | none
//	BACKUP_S3_KMS_KEY_ID  with aws:kms: the key's ARN or alias (default: aws/s3)
//	BACKUP_S3_ENDPOINT    an S3-compatible endpoint instead of AWS (tests, MinIO)
//	BACKUP_S3_PATH_STYLE  true for servers without virtual-hosted buckets
//
// Region and credentials come from the AWS SDK's own variables and chain.
func S3ConfigFromEnv(getenv func(string) string) (S3Config, error) {
	cfg := S3Config{
		Bucket:   strings.TrimSpace(getenv("BACKUP_S3_BUCKET")),
		Prefix:   NormalizePrefix(getenv("BACKUP_S3_PREFIX")),
		SSE:      strings.TrimSpace(getenv("BACKUP_S3_SSE")),
		KMSKeyID: strings.TrimSpace(getenv("BACKUP_S3_KMS_KEY_ID")),
		Endpoint: strings.TrimSpace(getenv("BACKUP_S3_ENDPOINT")),
	}
	var problems []string
	if cfg.Bucket == "" {
		problems = append(problems, "BACKUP_S3_BUCKET must be set")
	}
	switch cfg.SSE {
	case "":
		cfg.SSE = "AES256"
	case "AES256", "aws:kms", "none":
	default:
		problems = append(problems, fmt.Sprintf("BACKUP_S3_SSE must be AES256, aws:kms or none, got %q", cfg.SSE))
	}
	if cfg.KMSKeyID != "" && cfg.SSE != "aws:kms" {
		problems = append(problems, "BACKUP_S3_KMS_KEY_ID needs BACKUP_S3_SSE=aws:kms")
	}
	if raw := strings.TrimSpace(getenv("BACKUP_S3_PATH_STYLE")); raw != "" {
		v, err := strconv.ParseBool(raw)
		if err != nil {
			problems = append(problems, fmt.Sprintf("BACKUP_S3_PATH_STYLE must be true or false, got %q", raw))
		}
		cfg.PathStyle = v
	}
	if len(problems) > 0 {
		return S3Config{}, fmt.Errorf("invalid backup configuration: %s", strings.Join(problems, "; "))
	}
	return cfg, nil
}
