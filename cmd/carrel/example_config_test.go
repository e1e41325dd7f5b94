package main

import (
	"reflect"
	"testing"
)

// TestExampleConfig keeps config.example.toml loadable and equal to the
// embedded defaults, so the documentation cannot drift from the code.
func TestExampleConfig(t *testing.T) {
	got, err := loadConfig("../../config.example.toml", "")
	if err != nil {
		t.Fatal(err)
	}
	if want := defaults(); !reflect.DeepEqual(got, want) {
		t.Fatalf("config.example.toml differs from the defaults:\n got %+v\nwant %+v", got, want)
	}
}
