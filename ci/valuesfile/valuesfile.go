// Package valuesfile rewrites single scalar values of a Helm values file in place.
//
// The file is the one Argo CD deploys from, and people read and review it: a release must change
// only the lines that hold the new image tag and digest, never the comments, key order, quoting
// or indentation around them. So the file is parsed (to find the values and to refuse malformed
// YAML) but never re-serialised: each value is replaced in the original bytes at the position the
// parser reported.
package valuesfile

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Assignment sets the scalar at a dotted key path (e.g. "backend.image.tag") to a string.
type Assignment struct {
	Path  string
	Value string
}

// Set applies the assignments to a YAML document and returns the new bytes and whether anything
// changed. Every path must already exist and hold a scalar (or be empty): the chart owns the
// structure, the release only fills values in. On any error the input is returned unchanged.
func Set(src []byte, assignments []Assignment) ([]byte, bool, error) {
	root, err := parseSingleDocument(src)
	if err != nil {
		return src, false, err
	}
	lines := lineOffsets(src)

	edits := make([]edit, 0, len(assignments))
	seen := map[string]bool{}
	for _, a := range assignments {
		if seen[a.Path] {
			return src, false, fmt.Errorf("values: %s is assigned twice", a.Path)
		}
		seen[a.Path] = true
		node, inFlow, err := lookup(root, a.Path)
		if err != nil {
			return src, false, err
		}
		if node.Tag != "!!null" && node.Value == a.Value {
			continue // already there: running the release twice changes nothing
		}
		e, err := scalarEdit(src, lines, node, inFlow, a)
		if err != nil {
			return src, false, err
		}
		edits = append(edits, e)
	}
	if len(edits) == 0 {
		return src, false, nil
	}

	out := applyEdits(src, edits)
	if err := checkResult(src, out, assignments); err != nil {
		return src, false, err
	}
	return out, true, nil
}

func parseSingleDocument(src []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("values: malformed YAML: %w", err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, errors.New("values: the file holds more than one YAML document")
	} else if err.Error() != "EOF" {
		return nil, fmt.Errorf("values: malformed YAML: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("values: the document is not a mapping")
	}
	return doc.Content[0], nil
}

// lookup walks a dotted path through mappings and returns the scalar it names, and whether it
// sits inside a flow collection ({...}), where a plain scalar also ends at ',', ']' or '}'.
func lookup(root *yaml.Node, path string) (*yaml.Node, bool, error) {
	node := root
	inFlow := false
	keys := strings.Split(path, ".")
	for i, key := range keys {
		inFlow = inFlow || node.Style&yaml.FlowStyle != 0
		if node.Kind == yaml.AliasNode {
			return nil, false, fmt.Errorf("values: %s goes through an alias; edit the anchored value instead", strings.Join(keys[:i], "."))
		}
		if node.Kind != yaml.MappingNode {
			return nil, false, fmt.Errorf("values: %s is not a mapping", strings.Join(keys[:i], "."))
		}
		var next *yaml.Node
		for j := 0; j+1 < len(node.Content); j += 2 {
			if node.Content[j].Value == key {
				if next != nil {
					return nil, false, fmt.Errorf("values: key %s appears twice", strings.Join(keys[:i+1], "."))
				}
				next = node.Content[j+1]
			}
		}
		if next == nil {
			return nil, false, fmt.Errorf("values: key %s not found (the chart must declare it)", strings.Join(keys[:i+1], "."))
		}
		node = next
	}
	switch node.Kind {
	case yaml.ScalarNode:
		return node, inFlow, nil
	case yaml.AliasNode:
		return nil, false, fmt.Errorf("values: %s is an alias (*%s); refusing to change the anchored value it shares", path, node.Value)
	default:
		return nil, false, fmt.Errorf("values: %s is not a scalar", path)
	}
}

// edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// scalarEdit finds the bytes of a scalar's value in the source and renders the new value in the
// same quoting style, keeping any anchor or tag written before it.
func scalarEdit(src []byte, lines []int, node *yaml.Node, inFlow bool, a Assignment) (edit, error) {
	if strings.ContainsAny(a.Value, "\n\r") {
		return edit{}, fmt.Errorf("values: the new value of %s spans lines", a.Path)
	}
	if node.Line < 1 || node.Line > len(lines) {
		return edit{}, fmt.Errorf("values: no source position for %s", a.Path)
	}
	lineStart := lines[node.Line-1]
	lineEnd := bytes.IndexByte(src[lineStart:], '\n')
	if lineEnd < 0 {
		lineEnd = len(src)
	} else {
		lineEnd += lineStart
	}
	line := src[lineStart:lineEnd]
	pos := columnOffset(line, node.Column)
	if pos < 0 {
		return edit{}, fmt.Errorf("values: no source position for %s", a.Path)
	}

	// Skip the anchor and tag properties: they stay as written.
	for pos < len(line) && (line[pos] == '&' || line[pos] == '!') {
		for pos < len(line) && line[pos] != ' ' && line[pos] != '\t' {
			pos++
		}
		for pos < len(line) && (line[pos] == ' ' || line[pos] == '\t') {
			pos++
		}
	}

	if rest := bytes.TrimLeft(line[min(pos, len(line)):], " \t\r"); node.Tag == "!!null" && node.Value == "" && (len(rest) == 0 || rest[0] == '#') {
		// `key:` with nothing but maybe a comment after it: insert the value after the colon.
		text := " " + render(a.Value, 0, inFlow)
		if pos < len(line) && line[pos] == '#' {
			text += " "
		}
		return edit{start: lineStart + pos, end: lineStart + pos, text: text}, nil
	}

	var end int
	switch node.Style &^ yaml.TaggedStyle {
	case yaml.DoubleQuotedStyle:
		end = closingDoubleQuote(line, pos)
	case yaml.SingleQuotedStyle:
		end = closingSingleQuote(line, pos)
	case 0, yaml.FlowStyle:
		end = plainEnd(line, pos, inFlow)
	default:
		return edit{}, fmt.Errorf("values: %s is a block scalar; write it on one line", a.Path)
	}
	if end <= pos {
		return edit{}, fmt.Errorf("values: %s does not fit on its line (multi-line scalars are not supported)", a.Path)
	}
	return edit{start: lineStart + pos, end: lineStart + end, text: render(a.Value, node.Style&^yaml.TaggedStyle, inFlow)}, nil
}

// columnOffset converts the parser's 1-based column (counted in runes) to a byte offset.
func columnOffset(line []byte, column int) int {
	col := 1
	for i := range string(line) {
		if col == column {
			return i
		}
		col++
	}
	if col == column {
		return len(line)
	}
	return -1
}

func closingDoubleQuote(line []byte, pos int) int {
	if pos >= len(line) || line[pos] != '"' {
		return -1
	}
	for i := pos + 1; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

func closingSingleQuote(line []byte, pos int) int {
	if pos >= len(line) || line[pos] != '\'' {
		return -1
	}
	for i := pos + 1; i < len(line); i++ {
		if line[i] == '\'' {
			if i+1 < len(line) && line[i+1] == '\'' {
				i++
				continue
			}
			return i + 1
		}
	}
	return -1
}

// plainEnd is where a plain scalar stops: before " #" (a comment), at a flow indicator inside
// a flow collection, or at the end of the line; without trailing blanks.
func plainEnd(line []byte, pos int, inFlow bool) int {
	end := len(line)
	for i := pos; i < len(line); i++ {
		if line[i] == '#' && i > pos && (line[i-1] == ' ' || line[i-1] == '\t') {
			end = i
			break
		}
		if inFlow && strings.IndexByte(",]}", line[i]) >= 0 {
			end = i
			break
		}
	}
	for end > pos && (line[end-1] == ' ' || line[end-1] == '\t' || line[end-1] == '\r') {
		end--
	}
	return end
}

// render writes the value in the style it replaces. A plain value that YAML would read as
// something other than that string (a number, a boolean, "null"...) gets double quotes.
func render(value string, style yaml.Style, inFlow bool) string {
	switch style {
	case yaml.SingleQuotedStyle:
		return "'" + strings.ReplaceAll(value, "'", "''") + "'"
	case yaml.DoubleQuotedStyle:
		return strconv.Quote(value)
	}
	if readsBackAsString(value) && !(inFlow && strings.ContainsAny(value, ",[]{}")) {
		return value
	}
	return strconv.Quote(value)
}

func readsBackAsString(value string) bool {
	if value == "" || strings.TrimSpace(value) != value {
		return false
	}
	var got map[string]any
	if err := yaml.Unmarshal([]byte("k: "+value+"\n"), &got); err != nil {
		return false
	}
	s, ok := got["k"].(string)
	return ok && s == value
}

func applyEdits(src []byte, edits []edit) []byte {
	sort.Slice(edits, func(i, j int) bool { return edits[i].start > edits[j].start })
	out := append([]byte(nil), src...)
	for _, e := range edits {
		out = append(out[:e.start], append([]byte(e.text), out[e.end:]...)...)
	}
	return out
}

// checkResult re-parses the edited document and proves the edit did what it claims: each path
// holds its new value, and the document is otherwise the same data as before.
func checkResult(before, after []byte, assignments []Assignment) error {
	var want, got any
	if err := yaml.Unmarshal(before, &want); err != nil {
		return fmt.Errorf("values: malformed YAML: %w", err)
	}
	if err := yaml.Unmarshal(after, &got); err != nil {
		return fmt.Errorf("values: internal error, the edit broke the YAML: %w", err)
	}
	for _, a := range assignments {
		setPath(want, strings.Split(a.Path, "."), a.Value)
	}
	if !equalData(want, got) {
		return errors.New("values: internal error, the edit changed more than the assigned values")
	}
	return nil
}

func setPath(data any, keys []string, value string) {
	m, ok := data.(map[string]any)
	if !ok {
		return
	}
	if len(keys) == 1 {
		m[keys[0]] = value
		return
	}
	setPath(m[keys[0]], keys[1:], value)
}

func equalData(a, b any) bool {
	ya, err1 := yaml.Marshal(a)
	yb, err2 := yaml.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ya, yb)
}

// lineOffsets holds the byte offset of the start of each line.
func lineOffsets(src []byte) []int {
	offsets := []int{0}
	for i, b := range src {
		if b == '\n' {
			offsets = append(offsets, i+1)
		}
	}
	return offsets
}
