package migrate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"carrel/storage"
)

// Switch is the storage.Backend the server uses: it passes everything to
// the active store, and lets a migration switch the active store while the
// server runs. Blob writes (Put, CompleteUpload, Delete) share a gate the
// switchover holds exclusively, so no write lands on the old store after
// the migration's last pass. An upload begun on a store keeps its parts
// there; if it completes after a switch, the finished blob is copied to
// the new store and verified.
type Switch struct {
	gate   sync.RWMutex // writes hold it shared, a switchover exclusively
	mu     sync.Mutex   // guards the fields below
	name   string
	active storage.Backend
	stores map[string]storage.Backend
	// open opens another configured store by name, for uploads begun on
	// it before a restart.
	open func(ctx context.Context, name string) (storage.Backend, error)
}

var (
	_ storage.Backend   = (*Switch)(nil)
	_ storage.Presigner = (*Switch)(nil)
)

// NewSwitch returns a Switch whose active store is b, named name; open
// opens other stores by name when an upload needs one.
func NewSwitch(name string, b storage.Backend, open func(ctx context.Context, name string) (storage.Backend, error)) *Switch {
	return &Switch{name: name, active: b, stores: map[string]storage.Backend{name: b}, open: open}
}

// Active returns the active store and its name.
func (s *Switch) Active() (string, storage.Backend) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.name, s.active
}

// SwitchOver runs final with every blob write held back, and if it
// succeeds makes to (named name) the active store. final does the
// migration's last pass and records the switch.
func (s *Switch) SwitchOver(name string, to storage.Backend, final func() error) error {
	s.gate.Lock()
	defer s.gate.Unlock()
	if err := final(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.name, s.active, s.stores[name] = name, to, to
	return nil
}

func (s *Switch) current() storage.Backend { _, b := s.Active(); return b }

// Put stores a blob in the active store.
func (s *Switch) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	s.gate.RLock()
	defer s.gate.RUnlock()
	return s.current().Put(ctx, key, r, size)
}

// Open opens a blob of the active store.
func (s *Switch) Open(ctx context.Context, key string) (storage.Blob, storage.Info, error) {
	return s.current().Open(ctx, key)
}

// Stat describes a blob of the active store.
func (s *Switch) Stat(ctx context.Context, key string) (storage.Info, error) {
	return s.current().Stat(ctx, key)
}

// Delete removes a blob from the active store.
func (s *Switch) Delete(ctx context.Context, key string) error {
	s.gate.RLock()
	defer s.gate.RUnlock()
	return s.current().Delete(ctx, key)
}

// List lists the active store.
func (s *Switch) List(ctx context.Context, prefix string, fn func(storage.Info) error) error {
	return s.current().List(ctx, prefix, fn)
}

// PresignGet presigns through the active store, if it can.
func (s *Switch) PresignGet(ctx context.Context, key, contentType, disposition string) (string, error) {
	p, ok := s.current().(storage.Presigner)
	if !ok {
		return "", storage.ErrNotSupported
	}
	return p.PresignGet(ctx, key, contentType, disposition)
}

// An upload id is "<store>~<the store's upload id>", so that parts keep
// going to the store the upload began on.
const idSep = "~"

// StartUpload begins an upload on the active store.
func (s *Switch) StartUpload(ctx context.Context, key string, size int64) (string, error) {
	name, b := s.Active()
	id, err := b.StartUpload(ctx, key, size)
	if err != nil {
		return "", err
	}
	return name + idSep + id, nil
}

// uploadStore returns the store an upload id belongs to, and the store's
// own id. Ids made before stores had names belong to the active store.
func (s *Switch) uploadStore(ctx context.Context, uploadID string) (string, storage.Backend, string, error) {
	name, id, ok := strings.Cut(uploadID, idSep)
	if !ok {
		n, b := s.Active()
		return n, b, uploadID, nil
	}
	s.mu.Lock()
	b, open := s.stores[name]
	s.mu.Unlock()
	if open {
		return name, b, id, nil
	}
	b, err := s.open(ctx, name)
	if err != nil {
		return "", nil, "", fmt.Errorf("upload on store %q: %w", name, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if have, ok := s.stores[name]; ok {
		return name, have, id, nil
	}
	s.stores[name] = b
	return name, b, id, nil
}

// PutPart stores a part in the store the upload began on.
func (s *Switch) PutPart(ctx context.Context, key, uploadID string, partNo int, offset int64, r io.Reader, size int64) error {
	_, b, id, err := s.uploadStore(ctx, uploadID)
	if err != nil {
		return err
	}
	return b.PutPart(ctx, key, id, partNo, offset, r, size)
}

// CompleteUpload completes the upload in the store it began on; if that
// is no longer the active store, the blob is then copied to the active one
// and verified there.
func (s *Switch) CompleteUpload(ctx context.Context, key, uploadID string, parts int) error {
	s.gate.RLock()
	defer s.gate.RUnlock()
	name, b, id, err := s.uploadStore(ctx, uploadID)
	if err != nil {
		return err
	}
	if err := b.CompleteUpload(ctx, key, id, parts); err != nil {
		return err
	}
	activeName, active := s.Active()
	if name == activeName {
		return nil
	}
	if _, err := copyBlob(ctx, b, active, key); err != nil {
		return fmt.Errorf("copying %s, completed on store %q, to the active store %q: %w", key, name, activeName, err)
	}
	return nil
}

// AbortUpload aborts the upload in the store it began on.
func (s *Switch) AbortUpload(ctx context.Context, key, uploadID string) error {
	_, b, id, err := s.uploadStore(ctx, uploadID)
	if errors.Is(err, storage.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return b.AbortUpload(ctx, key, id)
}
