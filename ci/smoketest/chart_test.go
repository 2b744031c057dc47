package smoketest

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The smoke stack runs each image as the chart does: its users are the chart's runAsUser and
// runAsGroup, and PostgreSQL's PGDATA is the chart's.
func TestSmokeStackRunsAsTheChartsUsers(t *testing.T) {
	data, err := os.ReadFile("../../helm/app/values.yaml")
	if err != nil {
		t.Fatal(err)
	}
	type user struct {
		RunAsUser  int `yaml:"runAsUser"`
		RunAsGroup int `yaml:"runAsGroup"`
	}
	var values struct{ Postgresql, Backend, Frontend user }
	if err := yaml.Unmarshal(data, &values); err != nil {
		t.Fatal(err)
	}
	for smoke, v := range map[string]user{PostgresUser: values.Postgresql, BackendUser: values.Backend, FrontendUser: values.Frontend} {
		if want := fmt.Sprintf("%d:%d", v.RunAsUser, v.RunAsGroup); smoke != want {
			t.Errorf("the smoke stack runs an image as %s, the chart as %s", smoke, want)
		}
	}
	tmpl, err := os.ReadFile("../../helm/app/templates/postgres-statefulset.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(tmpl), "- name: PGDATA\n              value: "+PostgresPGDATA+"\n") {
		t.Errorf("the chart's PGDATA is no longer %s", PostgresPGDATA)
	}
}
