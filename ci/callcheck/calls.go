package callcheck

import (
	"fmt"
	"regexp"
	"strings"
)

// Call is one `dagger call` command found in a text file.
type Call struct {
	File  string
	Line  int      // line of the text where the command starts
	Words []string // shell words after "call"
	Text  string   // the command as written, continuations joined
}

func (c Call) String() string { return fmt.Sprintf("%s:%d: %s", c.File, c.Line, c.Text) }

var continuation = regexp.MustCompile(`\\\r?\n[ \t]*`)

// Extract finds every `dagger call` command of a text (Markdown, shell, YAML). A backslash at
// the end of a line continues the command, as in a shell.
func Extract(file, text string) []Call {
	var calls []Call
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		start := i
		line := lines[i]
		for strings.HasSuffix(strings.TrimRight(line, " \t\r"), `\`) && i+1 < len(lines) {
			i++
			line = strings.TrimRight(strings.TrimRight(line, " \t\r"), `\`) + " " + strings.TrimSpace(lines[i])
		}
		for _, cmd := range commandsIn(line) {
			if len(cmd) == 0 {
				continue // prose naming the command itself: "every `dagger call` of the README"
			}
			calls = append(calls, Call{File: file, Line: start + 1, Words: cmd, Text: "dagger call " + strings.Join(cmd, " ")})
		}
	}
	return calls
}

// commandsIn splits a line into shell words and returns the words after each "dagger call",
// up to the end of that command (;, &&, ||, |, a closing backtick or parenthesis, a comment).
func commandsIn(line string) [][]string {
	words := shellWords(line)
	var out [][]string
	for i := 0; i+1 < len(words); i++ {
		if words[i] != "dagger" {
			continue
		}
		// Global flags may sit between dagger and call: dagger -m . --progress=plain call ...
		// A flag without "=" may take the next word as its value (-m ./ci), unless that word is
		// "call" itself (a boolean flag such as --silent).
		j := i + 1
		for j < len(words) && words[j] != "call" && strings.HasPrefix(words[j], "-") {
			if !strings.Contains(words[j], "=") && j+1 < len(words) && words[j+1] != "call" && !strings.HasPrefix(words[j+1], "-") {
				j++
			}
			j++
		}
		if j >= len(words) || words[j] != "call" {
			continue
		}
		var cmd []string
		for _, w := range words[j+1:] {
			if isOperator(w) {
				break
			}
			cmd = append(cmd, w)
		}
		out = append(out, cmd)
		i = j
	}
	return out
}

func isOperator(w string) bool {
	switch w {
	case ";", "&&", "||", "|", "`", ")", "#", ">", ">>", "2>&1":
		return true
	}
	return false
}

// shellWords is a small shell tokenizer: quotes group, operators and backticks are words of
// their own, `#` after a space starts a comment. Enough for commands in docs and pipelines.
func shellWords(s string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	flush := func() {
		if inWord {
			words = append(words, cur.String())
			cur.Reset()
			inWord = false
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'' || c == '"':
			end := strings.IndexByte(s[i+1:], c)
			if end < 0 {
				end = len(s) - i - 1
			}
			cur.WriteString(s[i+1 : i+1+end])
			inWord = true
			i += end + 1
		case c == '$' && i+1 < len(s) && (s[i+1] == '(' || s[i+1] == '{'):
			// $(...) and ${...} stay inside the word, as the shell expands them in place.
			closer := byte(')')
			if s[i+1] == '{' {
				closer = '}'
			}
			end := strings.IndexByte(s[i:], closer)
			if end < 0 {
				end = len(s) - i - 1
			}
			cur.WriteString(s[i : i+end+1])
			inWord = true
			i += end
		case c == ' ' || c == '\t' || c == '\r':
			flush()
		case c == '#' && !inWord:
			flush()
			words = append(words, "#")
			return words
		case c == ';' || c == '`' || c == ')' || c == '(' || c == '|' || c == '&' || c == '>':
			flush()
			op := string(c)
			if i+1 < len(s) && (s[i+1] == '&' || s[i+1] == '|' || s[i+1] == '>') && c != ';' && c != '`' && c != ')' && c != '(' {
				op += string(s[i+1])
				i++
			}
			words = append(words, op)
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	flush()
	return words
}
