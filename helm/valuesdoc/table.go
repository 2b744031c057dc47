package valuesdoc

import (
	"fmt"
	"strings"
)

// The generated table sits between these lines of the chart's README; everything else in the
// README is written by hand.
const (
	BeginMarker = "<!-- values table: generated from values.yaml by `UPDATE_VALUES_TABLE=1 go test ./helm/valuesdoc`, do not edit -->"
	EndMarker   = "<!-- end of values table -->"
)

// Table renders rows as a Markdown table.
func Table(rows []Row) string {
	var b strings.Builder
	b.WriteString("| Key | Type | Default | Description |\n| --- | --- | --- | --- |\n")
	for _, r := range rows {
		def := "`" + cell(r.Default) + "`"
		if r.Released {
			def = "set by each release"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", r.Key, r.Type, def, cell(r.Description))
	}
	return b.String()
}

// cell keeps a table cell on its row and its text visible: a pipe would start a new column,
// and <fullname> would be read as an HTML tag and vanish.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;").Replace(s)
}

// Splice puts table between the markers of readme, replacing what was there.
func Splice(readme, table string) (string, error) {
	begin := strings.Index(readme, BeginMarker)
	end := strings.Index(readme, EndMarker)
	if begin < 0 || end < begin {
		return "", fmt.Errorf("the README has no %q ... %q section", BeginMarker, EndMarker)
	}
	return readme[:begin] + BeginMarker + "\n\n" + table + "\n" + readme[end:], nil
}
