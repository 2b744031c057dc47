package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/devsecops-reference/taskboard/backend/internal/task"
)

// TestFloorTaskIsATaskOfTheContract: the floor answers with what the backend
// would send for a task, field for field, or it would not be the same work.
func TestFloorTaskIsATaskOfTheContract(t *testing.T) {
	dec := json.NewDecoder(bytes.NewReader(floorTaskBody))
	dec.DisallowUnknownFields()
	var got task.Task
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("the floor's task is not a task.Task: %v", err)
	}
	again, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != floorTask {
		t.Fatalf("the floor's task is not in the contract's own encoding:\n got %s\nwant %s", floorTask, again)
	}
}

// TestFloorIsDrivenByTheRealLoadgen runs measureFloor with the loadgen binary:
// it must list, get without an error, and count CPU on both sides.
func TestFloorIsDrivenByTheRealLoadgen(t *testing.T) {
	loadgen := filepath.Join(t.TempDir(), "loadgen")
	if out, err := exec.Command("go", "build", "-o", loadgen, "../loadgen").CombinedOutput(); err != nil {
		t.Fatalf("building loadgen: %v\n%s", err, out)
	}
	o := options{loadgenBin: loadgen, concurrency: 4, duration: time.Second}
	res, cpu, err := measureFloor(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Op != "get" || res.Requests < 100 || res.Errors != 0 || res.P99ms <= 0 {
		t.Fatalf("floor run: %+v", res)
	}
	if cpu.server <= 0 || cpu.loadgen <= 0 || cpu.postgres != 0 {
		t.Fatalf("floor CPU: %+v", cpu)
	}
}
