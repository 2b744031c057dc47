package valuesdoc

import (
	"os"
	"strings"
	"testing"
)

const sample = `# File header, not about any key.

# -- Overrides the name.
fullnameOverride: ""
image:
  repository: example/app
  tag: "0.1.0" # Updated by CI/CD
  # A plain comment is not a description.
  pullPolicy: ""
# -- Who may connect. The default is the VPC CIDR:
# set yours.
ingressFrom:
  - cidr: 10.0.0.0/16
# -- Where DNS runs: one row, the map is its default.
dns:
  namespace: kube-system
replicas: 2
ratio: 0.5
enabled: true
labels: {}
note: a|b
# -- Defaults to http://<fullname>-backend.
url: ""
`

func TestRowsFollowHelmDocsComments(t *testing.T) {
	rows, err := Rows([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Key: "fullnameOverride", Type: "string", Default: `""`, Description: "Overrides the name."},
		{Key: "image.repository", Type: "string", Default: `"example/app"`},
		{Key: "image.tag", Type: "string", Released: true},
		{Key: "image.pullPolicy", Type: "string", Default: `""`},
		{Key: "ingressFrom", Type: "list", Default: `[{"cidr":"10.0.0.0/16"}]`, Description: "Who may connect. The default is the VPC CIDR: set yours."},
		{Key: "dns", Type: "object", Default: `{"namespace":"kube-system"}`, Description: "Where DNS runs: one row, the map is its default."},
		{Key: "replicas", Type: "int", Default: "2"},
		{Key: "ratio", Type: "float", Default: "0.5"},
		{Key: "enabled", Type: "bool", Default: "true"},
		{Key: "labels", Type: "object", Default: "{}"},
		{Key: "note", Type: "string", Default: `"a|b"`},
		{Key: "url", Type: "string", Default: `""`, Description: "Defaults to http://<fullname>-backend."},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d:\n got  %+v\n want %+v", i, rows[i], want[i])
		}
	}
}

func TestTableAndSplice(t *testing.T) {
	rows, err := Rows([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	table := Table(rows)
	for _, line := range []string{
		"| `image.tag` | string | set by each release |  |",
		"| `note` | string | `\"a\\|b\"` |  |",
		"| `fullnameOverride` | string | `\"\"` | Overrides the name. |",
		"| `url` | string | `\"\"` | Defaults to http://&lt;fullname&gt;-backend. |",
	} {
		if !strings.Contains(table, line+"\n") {
			t.Errorf("table lacks %q:\n%s", line, table)
		}
	}
	readme := "# Chart\n\nBy hand.\n\n" + BeginMarker + "\nstale\n" + EndMarker + "\n\nAfter.\n"
	got, err := Splice(readme, table)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "# Chart\n\nBy hand.\n\n"+BeginMarker+"\n\n| Key |") || strings.Contains(got, "stale") || !strings.HasSuffix(got, "\n"+EndMarker+"\n\nAfter.\n") {
		t.Errorf("spliced README:\n%s", got)
	}
	if again, _ := Splice(got, table); again != got {
		t.Error("splicing the same table twice changes the README")
	}
	if _, err := Splice("# no markers\n", table); err == nil {
		t.Error("a README without markers must be an error")
	}
}

// The chart's README holds the table of its values.yaml. After changing values.yaml:
// UPDATE_VALUES_TABLE=1 go test ./helm/valuesdoc
func TestAppChartValuesTableIsCurrent(t *testing.T) {
	const valuesPath, readmePath = "../app/values.yaml", "../app/README.md"
	values, err := os.ReadFile(valuesPath)
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Rows(values)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Splice(string(readme), Table(rows))
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("UPDATE_VALUES_TABLE") != "" {
		if err := os.WriteFile(readmePath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if want != string(readme) {
		t.Errorf("helm/app/README.md's values table differs from helm/app/values.yaml: regenerate it with UPDATE_VALUES_TABLE=1 go test ./helm/valuesdoc")
	}
}
