package signing

import (
	genclient "github.com/sigstore/rekor/pkg/generated/client"
	"github.com/sigstore/rekor/pkg/generated/models"
)

type (
	rekorClient = genclient.Rekor
	logEntry    = models.LogEntryAnon
)
