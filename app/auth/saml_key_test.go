package auth_test

import (
	"os"
	"path/filepath"
	"testing"

	"carrel/app/auth"
)

func TestLoadOrCreateSPKey(t *testing.T) {
	dir := t.TempDir()
	keyFile, certFile := filepath.Join(dir, "saml-sp.key"), filepath.Join(dir, "saml-sp.crt")
	if _, _, err := auth.LoadOrCreateSPKey(keyFile, certFile, "https://data.example.edu", false); err == nil {
		t.Fatal("a missing configured key was not an error")
	}
	key, cert, err := auth.LoadOrCreateSPKey(keyFile, certFile, "https://data.example.edu", true)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(keyFile); fi.Mode().Perm() != 0o600 {
		t.Errorf("key mode %v, want 0600", fi.Mode().Perm())
	}
	if cert.Subject.CommonName != "https://data.example.edu" || key.N.BitLen() < 3072 {
		t.Errorf("cert %q, key %d bits", cert.Subject.CommonName, key.N.BitLen())
	}
	again, _, err := auth.LoadOrCreateSPKey(keyFile, certFile, "https://data.example.edu", true)
	if err != nil || !again.Equal(key) {
		t.Fatal("the key was not kept across restarts")
	}
	os.WriteFile(keyFile, []byte("not a key"), 0o600)
	if _, _, err := auth.LoadOrCreateSPKey(keyFile, certFile, "x", true); err == nil {
		t.Error("a corrupt key file was accepted")
	}
}
