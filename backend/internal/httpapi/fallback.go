package httpapi

import "net/http"

// jsonFallback turns the mux's own plain-text 404 and 405 answers into JSON
// errors (keeping the Allow header). A catch-all "/" route cannot do this:
// it would match every method and hide the 405s.
func jsonFallback(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		probe := &statusProbe{header: http.Header{}}
		h.ServeHTTP(probe, r)
		switch probe.status {
		case http.StatusMethodNotAllowed:
			w.Header().Set("Allow", probe.header.Get("Allow"))
			writeError(w, errorf(http.StatusMethodNotAllowed, "method_not_allowed",
				r.Method+" is not allowed here; allowed: "+probe.header.Get("Allow")))
		case http.StatusNotFound:
			writeError(w, errorf(http.StatusNotFound, "not_found", "no route for "+r.URL.Path))
		default: // redirects for unclean paths: let the mux answer for real
			mux.ServeHTTP(w, r)
		}
	})
}

// statusProbe records what a handler would answer without sending anything.
type statusProbe struct {
	header http.Header
	status int
}

func (p *statusProbe) Header() http.Header         { return p.header }
func (p *statusProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *statusProbe) WriteHeader(status int) {
	if p.status == 0 {
		p.status = status
	}
}
