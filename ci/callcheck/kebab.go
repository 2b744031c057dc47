package callcheck

import (
	"strings"
	"unicode"
)

// Kebab turns a Go identifier into the CLI's kebab-case: ScanFs -> scan-fs,
// crdSchemaLocation -> crd-schema-location, SBOMFile -> sbom-file.
func Kebab(s string) string {
	r := []rune(s)
	var b strings.Builder
	for i, c := range r {
		if unicode.IsUpper(c) && i > 0 {
			prevLower := unicode.IsLower(r[i-1]) || unicode.IsDigit(r[i-1])
			acronymEnd := unicode.IsUpper(r[i-1]) && i+1 < len(r) && unicode.IsLower(r[i+1])
			if prevLower || acronymEnd {
				b.WriteByte('-')
			}
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}
