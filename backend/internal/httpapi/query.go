package httpapi

import (
	"net/http"
	"net/url"
)

// parseQuery is how every handler reads its query string. r.URL.Query()
// silently drops the pairs it cannot decode ("cursor=%%%" would list the first
// page instead of failing), so a query string that does not parse as a whole
// is refused: 400 invalid_query.
func parseQuery(rawQuery string) (url.Values, *apiError) {
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "invalid_query",
			"the query string is malformed: use key=value pairs joined by & with valid %-escapes")
	}
	return values, nil
}
