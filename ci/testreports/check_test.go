package testreports

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// files is a reports directory in memory.
func files(m map[string]string) Reader {
	return func(p string) ([]byte, error) {
		if s, ok := m[p]; ok {
			return []byte(s), nil
		}
		return nil, errors.New("no such file")
	}
}

func TestCheckNamesWhatIsMissing(t *testing.T) {
	g := GoTest{JUnit: JUnitGoBackend, JSON: GoTestJSONBackend}
	if _, err := g.Check(files(nil)); err == nil || !strings.Contains(err.Error(), "no go test -json stream") {
		t.Fatalf("%v", err)
	}
	stream := `{"Action":"pass","Package":"p","Test":"TestA"}` + "\n"
	if _, err := g.Check(files(map[string]string{GoTestJSONBackend: stream})); err == nil || !strings.Contains(err.Error(), "no JUnit file") {
		t.Fatalf("%v", err)
	}
	if _, err := CheckVitest(files(nil)); err == nil || !strings.Contains(err.Error(), "no Vitest summary") {
		t.Fatalf("%v", err)
	}
}

// Vitest's own output of a deliberate run (testdata): the JUnit agrees with the summary.
func TestCheckVitestAgreesWithARealRun(t *testing.T) {
	junitXML, err := os.ReadFile("testdata/vitest-deliberate.junit.xml")
	if err != nil {
		t.Fatal(err)
	}
	summary, err := os.ReadFile("testdata/vitest-deliberate.summary.json")
	if err != nil {
		t.Fatal(err)
	}
	counts, err := CheckVitest(files(map[string]string{JUnitFrontend: string(junitXML), VitestSummary: string(summary)}))
	if err != nil || counts.Tests == 0 {
		t.Fatalf("%+v %v", counts, err)
	}
}
