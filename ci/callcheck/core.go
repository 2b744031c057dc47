package callcheck

import "strings"

// coreObjects are the functions of Dagger's core types that the docs chain after a module
// function (`validate-reports export --path reports`), with their flags. Kept to what the docs
// use, plus the few reads a reader is likely to add (contents, stdout, file, directory);
// TestCoreTableMatchesTheBindings holds every entry to the generated bindings, so the table
// may be short but never wrong. Extend it when the docs chain into something new.
var coreObjects = map[string]*Object{
	"dagger.Directory": {Name: "dagger.Directory", Functions: map[string]Function{
		"export":    {Name: "export", Args: flags("path", "wipe:bool"), Returns: "string"},
		"entries":   {Name: "entries", Args: flags("path"), Returns: "[]string"},
		"file":      {Name: "file", Args: flags("path"), Returns: "*dagger.File"},
		"directory": {Name: "directory", Args: flags("path"), Returns: "*dagger.Directory"},
	}},
	"dagger.File": {Name: "dagger.File", Functions: map[string]Function{
		"export":   {Name: "export", Args: flags("path", "allow-parent-dir-path:bool"), Returns: "string"},
		"contents": {Name: "contents", Args: flags(), Returns: "string"},
	}},
	"dagger.Container": {Name: "dagger.Container", Functions: map[string]Function{
		"stdout":    {Name: "stdout", Args: flags(), Returns: "string"},
		"stderr":    {Name: "stderr", Args: flags(), Returns: "string"},
		"file":      {Name: "file", Args: flags("path", "expand:bool"), Returns: "*dagger.File"},
		"directory": {Name: "directory", Args: flags("path", "expand:bool"), Returns: "*dagger.Directory"},
		"export":    {Name: "export", Args: flags("path", "expand:bool"), Returns: "string"},
	}},
}

// flags builds an argument set from "name" (takes a value) and "name:bool" (a switch).
func flags(names ...string) map[string]Arg {
	out := map[string]Arg{}
	for _, n := range names {
		name, kind, _ := strings.Cut(n, ":")
		out[name] = Arg{Flag: name, Bool: kind == "bool"}
	}
	return out
}
