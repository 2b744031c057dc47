package smoketest

// The users the chart runs the images as (helm/app/values.yaml runAsUser:runAsGroup; a test
// holds them together), so that the smoke run proves each image starts as that user, not only
// as its own. PostgreSQL also gets the chart's PGDATA: a uid other than the image's own cannot
// chmod the image's data directory, only a subdirectory it creates.
const (
	PostgresUser   = "10070:10070"
	PostgresPGDATA = "/var/lib/postgresql/data/pgdata"
	BackendUser    = "65532:65532"
	FrontendUser   = "10101:10101"
)

// Database is the smoke stack's database; its credentials are test-only values of a database
// that lives for one run.
const Database = "taskboard"

// DatabaseURL is how the backend reaches the stack's PostgreSQL, at the host name postgres.
const DatabaseURL = "postgres://taskboard:taskboard-test@postgres:5432/" + Database + "?sslmode=disable"

// Ports the images listen on: the backend's API and nginx.
const (
	BackendPort  = 5000
	FrontendPort = 8080
)
