package callcheck

import (
	"fmt"
	"sort"
	"strings"
)

// Check verifies every call and returns one "file:line: problem" line per call that names a
// function or a flag the module does not have.
func (m *Module) Check(calls []Call) []string {
	var out []string
	for _, c := range calls {
		if err := m.Verify(c); err != nil {
			out = append(out, fmt.Sprintf("%s:%d: %v\n    %s", c.File, c.Line, err, c.Text))
		}
	}
	return out
}

// Verify checks one call against the module: the constructor's flags, then each function of
// the chain with its flags, each looked up on the type the previous function returned.
func (m *Module) Verify(c Call) error {
	rest, err := m.consumeFlags(c.Words, m.Constructor, "the constructor")
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return fmt.Errorf("no function named")
	}
	obj := m.Objects[m.Main]
	prev := ""
	for len(rest) > 0 {
		name := rest[0]
		fn, ok := obj.Functions[name]
		if !ok {
			if prev == "" {
				return fmt.Errorf("%s has no function %q (have: %s)", obj.Name, name, strings.Join(obj.FunctionNames(), ", "))
			}
			return fmt.Errorf("%q follows %s, whose result (%s) has no function %q (have: %s)%s",
				name, prev, obj.Name, name, strings.Join(obj.FunctionNames(), ", "), coreHint(obj))
		}
		if rest, err = m.consumeFlags(rest[1:], fn.Args, name); err != nil {
			return err
		}
		next, ok := m.Resolve(fn.Returns)
		if !ok && len(rest) > 0 {
			return fmt.Errorf("%q follows %s, whose result (%s) has no functions to call", rest[0], name, orNothing(fn.Returns))
		}
		obj, prev = next, name
	}
	return nil
}

// coreHint points at the table to extend when a core type's function is missing from it.
func coreHint(obj *Object) string {
	if _, ok := coreObjects[obj.Name]; ok {
		return " in callcheck's table of core functions (core.go)"
	}
	return ""
}

func orNothing(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}

// consumeFlags takes the leading --flags of words, checking them against known, and returns the
// remaining words (the next function in the chain).
func (m *Module) consumeFlags(words []string, known map[string]Arg, owner string) ([]string, error) {
	for len(words) > 0 && strings.HasPrefix(words[0], "-") {
		w := strings.TrimLeft(words[0], "-")
		name, _, hasValue := strings.Cut(w, "=")
		arg, ok := known[name]
		if !ok {
			return nil, fmt.Errorf("%s has no flag --%s%s", owner, name, m.ownersOf(name))
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

// ownersOf names the module's functions that do take a flag, the usual fix when a flag was
// given to the wrong link of a chain.
func (m *Module) ownersOf(flag string) string {
	var owners []string
	for _, obj := range m.Objects {
		for _, fn := range obj.Functions {
			if _, ok := fn.Args[flag]; ok {
				owners = append(owners, fn.Name)
			}
		}
	}
	if _, ok := m.Constructor[flag]; ok {
		owners = append(owners, "the constructor")
	}
	if len(owners) == 0 {
		return ""
	}
	sort.Strings(owners)
	return fmt.Sprintf(" (it is a flag of %s)", strings.Join(owners, ", "))
}
