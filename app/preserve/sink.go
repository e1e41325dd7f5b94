package preserve

import (
	"archive/tar"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"time"
)

// sink receives the files of one bag under a temporary name; Commit
// renames the finished bag into place, so a reader of the target never
// sees half a bag, and Abort removes the temporary one.
type sink interface {
	// Add writes one file of size bytes at name (slash-separated, relative
	// to the bag's root).
	Add(name string, size int64, r io.Reader) error
	Commit() error
	Abort()
}

// dirSink writes a bag as a directory.
type dirSink struct {
	tmp, final string
}

func newDirSink(target, bag string) (*dirSink, error) {
	s := &dirSink{tmp: filepath.Join(target, ".tmp-"+bag), final: filepath.Join(target, bag)}
	if err := os.RemoveAll(s.tmp); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(s.tmp, 0o750); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *dirSink) Add(name string, size int64, r io.Reader) error {
	p := filepath.Join(s.tmp, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return err
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	n, err := io.Copy(f, r)
	if err == nil && n != size {
		err = fmt.Errorf("%s: wrote %d bytes, expected %d", name, n, size)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (s *dirSink) Commit() error {
	if err := syncTree(s.tmp); err != nil {
		return err
	}
	if err := os.Rename(s.tmp, s.final); err != nil {
		return err
	}
	return syncDir(filepath.Dir(s.final))
}

func (s *dirSink) Abort() { os.RemoveAll(s.tmp) }

// tarSink writes a bag as one uncompressed tar file holding the bag's
// directory, as RFC 8493 section 4 allows for serialisation.
type tarSink struct {
	bag, tmp, final string
	f               *os.File
	tw              *tar.Writer
	dirs            map[string]bool
	now             time.Time
}

func newTarSink(target, bag string, now time.Time) (*tarSink, error) {
	s := &tarSink{bag: bag, tmp: filepath.Join(target, ".tmp-"+bag+".tar"), final: filepath.Join(target, bag+".tar"),
		dirs: map[string]bool{}, now: now}
	f, err := os.OpenFile(s.tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return nil, err
	}
	s.f, s.tw = f, tar.NewWriter(f)
	return s, nil
}

func (s *tarSink) Add(name string, size int64, r io.Reader) error {
	full := path.Join(s.bag, name)
	if err := s.mkdirs(path.Dir(full)); err != nil {
		return err
	}
	hdr := &tar.Header{Name: full, Mode: 0o640, Size: size, ModTime: s.now, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if err := s.tw.WriteHeader(hdr); err != nil {
		return err
	}
	n, err := io.Copy(s.tw, r)
	if err == nil && n != size {
		err = fmt.Errorf("%s: wrote %d bytes, expected %d", name, n, size)
	}
	return err
}

// mkdirs writes a directory entry for dir and each parent not yet written.
func (s *tarSink) mkdirs(dir string) error {
	if dir == "." || dir == "/" || s.dirs[dir+"/"] {
		return nil
	}
	if err := s.mkdirs(path.Dir(dir)); err != nil {
		return err
	}
	s.dirs[dir+"/"] = true
	return s.tw.WriteHeader(&tar.Header{Name: dir + "/", Mode: 0o750, ModTime: s.now, Typeflag: tar.TypeDir, Format: tar.FormatPAX})
}

func (s *tarSink) Commit() error {
	err := s.tw.Close()
	if err == nil {
		err = s.f.Sync()
	}
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(s.tmp, s.final)
	}
	if err == nil {
		err = syncDir(filepath.Dir(s.final))
	}
	return err
}

func (s *tarSink) Abort() {
	s.f.Close()
	os.Remove(s.tmp)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// syncTree syncs every directory under root, so that the renamed bag's
// entries are durable.
func syncTree(root string) error {
	return filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		return syncDir(p)
	})
}
