package preserve_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"carrel/app"
	"carrel/app/preserve"
	"carrel/app/preserve/bagittest"
	"carrel/storage/s3"
	"carrel/storage/s3/s3test"
)

// TestExportToBucket writes bags into an S3 bucket (MinIO), as directories
// of objects and as tar objects, reads them back with a plain S3 client
// and checks them with the independent validator. With the service down
// the run fails loudly and leaves no complete-looking bag; once it is back
// the next run writes the bag.
func TestExportToBucket(t *testing.T) {
	ctx := context.Background()
	srv := s3test.Start(t)
	f := newFixture(t)
	client := srv.Client(t)
	download := func(prefix string) string { return srv.Download(t, prefix) }
	exporter := func(prefix string, tar bool) *preserve.Exporter {
		store, err := s3.Open(ctx, s3.Config{Endpoint: srv.Endpoint, Bucket: srv.Bucket, Prefix: prefix,
			AccessKey: s3test.User, SecretKey: s3test.Password, PathStyle: true})
		if err != nil {
			t.Fatal(err)
		}
		return preserve.New(f.db, f.blobs, describer{}, preserve.Config{Store: store, Tar: tar, Publisher: "Example University",
			ContactEmail: "repo@example.edu", BaseURL: "https://data.example.edu"}, time.Now)
	}
	id := f.publish("Glacier mass", map[string]string{"raw/2020/a.csv": "x,y\n1,2\n", "notes.txt": "hello"})
	bag := fmt.Sprintf("carrel-item-%d-v1", id)

	t.Run("Directory", func(t *testing.T) {
		job := exporter("bags", false).Job()
		if r := run(t, job); r.Counts["bags_written"] != 1 {
			t.Fatalf("first run: %+v", r)
		}
		info := bagittest.Validate(t, os.DirFS(download("bags/"+bag+"/")))
		if got := info["Payload-Oxum"]; len(got) != 1 || got[0] != "13.2" {
			t.Errorf("Payload-Oxum %v", got)
		}
		if r := run(t, job); r.Counts["bags_written"] != 0 {
			t.Errorf("second run wrote again: %+v", r)
		}
	})
	t.Run("Tar", func(t *testing.T) {
		// The job has recorded this version as exported; export it again
		// the way `carrel export bag` does.
		key, err := exporter("tars", true).ExportVersion(ctx, app.VersionRef{ItemID: id, Number: 1})
		if err != nil || key != bag+".tar" {
			t.Fatalf("ExportVersion = %q, %v", key, err)
		}
		dir := download("tars/")
		bagittest.Validate(t, os.DirFS(bagittest.Untar(t, filepath.Join(dir, bag+".tar"))))
	})
	t.Run("ServiceDown", func(t *testing.T) {
		job := exporter("outage", false).Job()
		id := f.publish("Ice shelf", map[string]string{"a.csv": "1,2\n"})
		bag := fmt.Sprintf("carrel-item-%d-v1", id)
		srv.Stop()
		var r app.JobReport
		err := job(ctx, &r)
		srv.Resume()
		if err == nil && len(r.Problems) == 0 {
			t.Fatal("the run succeeded with the bucket's service down")
		}
		if _, err := client.StatObject(ctx, srv.Bucket, "outage/"+bag+"/tagmanifest-sha256.txt", minio.StatObjectOptions{}); err == nil {
			t.Fatal("a bag looks complete after a failed run")
		}
		if r := run(t, job); r.Counts["bags_written"] != 1 {
			t.Fatalf("run after the service is back: %+v", r)
		}
		bagittest.Validate(t, os.DirFS(download("outage/"+bag+"/")))
	})
}
