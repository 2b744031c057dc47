package main

import (
	"context"
	"fmt"

	"dagger/pipeline/parallel"
)

// sourceReadConcurrency bounds the file reads in flight against the engine.
const sourceReadConcurrency = 16

// readSource reads files of the repository into the module, concurrently, by path.
func (p *Pipeline) readSource(ctx context.Context, names []string) (map[string][]byte, error) {
	contents, err := parallel.Map(names, sourceReadConcurrency, func(name string) (string, error) {
		data, err := p.Source.File(name).Contents(ctx)
		if err != nil {
			return "", fmt.Errorf("read %s: %w", name, err)
		}
		return data, nil
	})
	if err != nil {
		return nil, err
	}
	files := make(map[string][]byte, len(names))
	for i, name := range names {
		files[name] = []byte(contents[i])
	}
	return files, nil
}
