package oai

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"carrel/testenv"
)

// TestOAIDataCiteSchema checks that the schemas every response is validated
// against hold oai_datacite records to DataCite's wrapper and their payload
// to DataCite 4.6: Carrel's record passes, and each way of breaking it is
// rejected.
func TestOAIDataCiteSchema(t *testing.T) {
	h := newHarness(t, 10)
	pub := h.published("Soil moisture", 0)
	good := h.get("verb=GetRecord&metadataPrefix=oai_datacite&identifier=" + url.QueryEscape(h.id(pub))).raw
	lint := testenv.Tool(t, "xmllint", "libxml2-utils")
	dir := t.TempDir()
	xsd := payloadSchemas(t, dir)
	valid := func(doc string) error {
		f := filepath.Join(dir, "doc.xml")
		if err := os.WriteFile(f, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(lint, "--noout", "--nonet", "--schema", xsd, f).CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s", out)
		}
		return nil
	}
	if err := valid(good); err != nil {
		t.Fatalf("Carrel's oai_datacite record is invalid: %v\n%s", err, good)
	}
	for name, broken := range map[string]string{
		"no datacentreSymbol":    strings.Replace(good, "<datacentreSymbol>EXAMPLE.REPO</datacentreSymbol>", "", 1),
		"two schemaVersions":     strings.Replace(good, "<schemaVersion>4.6</schemaVersion>", "<schemaVersion>4.6</schemaVersion><schemaVersion>4</schemaVersion>", 1),
		"wrong namespace":        strings.Replace(good, `xmlns="http://schema.datacite.org/oai/oai-1.1/"`, `xmlns="http://schema.datacite.org/oai/oai-1.0/"`, 1),
		"payload not DataCite":   strings.Replace(good, `<resource xmlns="http://datacite.org/schema/kernel-4"`, `<resource xmlns="http://datacite.org/schema/kernel-3"`, 1),
		"resource without title": strings.Replace(good, "<title>Soil moisture</title>", "", 1),
	} {
		if broken == good {
			t.Fatalf("%s: the record did not change; the test is out of date:\n%s", name, good)
		}
		if valid(broken) == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
