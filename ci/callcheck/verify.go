package callcheck

import (
	"fmt"
	"strings"
)

// CoreMethods are the methods of core types a call may chain after a function, with their
// flags: `validate-reports export --path reports`. Kept small on purpose; extend when docs use
// more.
var CoreMethods = map[string]map[string]map[string]Arg{
	"*dagger.Directory": {
		"export":  {"path": {Flag: "path"}, "wipe": {Flag: "wipe", Bool: true}},
		"entries": {},
		"file":    {"path": {Flag: "path"}},
	},
	"*dagger.File": {
		"export":   {"path": {Flag: "path"}, "allow-parent-dir-rewrite": {Flag: "allow-parent-dir-rewrite", Bool: true}},
		"contents": {},
	},
}

// Verify checks one call against the module: constructor flags, then a function and its flags,
// then chained core methods.
func (m *Module) Verify(c Call) error {
	words := c.Words
	rest, err := consumeFlags(words, m.Constructor, "constructor")
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return fmt.Errorf("no function named")
	}
	name := rest[0]
	fn, ok := m.Functions[name]
	if !ok {
		return fmt.Errorf("no function %q (have: %s)", name, strings.Join(m.FunctionNames(), ", "))
	}
	rest, err = consumeFlags(rest[1:], fn.Args, name)
	if err != nil {
		return err
	}
	returns := fn.Returns
	for len(rest) > 0 {
		methods, ok := CoreMethods[returns]
		if !ok {
			return fmt.Errorf("%q follows %s, whose result (%s) has no known methods", rest[0], name, orNothing(returns))
		}
		flags, ok := methods[rest[0]]
		if !ok {
			return fmt.Errorf("%s has no method %q in the known list", returns, rest[0])
		}
		name = rest[0]
		if rest, err = consumeFlags(rest[1:], flags, name); err != nil {
			return err
		}
		returns = "" // the known core methods end the chain
	}
	return nil
}

func orNothing(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}

// consumeFlags takes the leading --flags of words, checking them against known, and returns the
// remaining words (the next function in the chain).
func consumeFlags(words []string, known map[string]Arg, owner string) ([]string, error) {
	for len(words) > 0 && strings.HasPrefix(words[0], "-") {
		w := strings.TrimLeft(words[0], "-")
		name, _, hasValue := strings.Cut(w, "=")
		arg, ok := known[name]
		if !ok {
			return nil, fmt.Errorf("%s has no flag --%s", owner, name)
		}
		words = words[1:]
		if !hasValue && !arg.Bool {
			if len(words) == 0 {
				return nil, fmt.Errorf("flag --%s of %s needs a value", name, owner)
			}
			words = words[1:]
		}
	}
	return words, nil
}
