package offline

import (
	"net/http"
	"os"
	"path"
	"path/filepath"
)

// serveFiles answers GET and HEAD with the files of dir whose cleaned request path served
// admits, with contentType's type; anything else, directories included, is 404.
func serveFiles(dir string, served func(p string) bool, contentType func(p string) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p := path.Clean("/" + r.URL.Path)
		if !served(p) {
			http.NotFound(w, r)
			return
		}
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil || st.IsDir() {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", contentType(p))
		http.ServeContent(w, r, "", st.ModTime(), f)
	})
}
