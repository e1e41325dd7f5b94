package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// Config is Carrel's whole configuration. Every key is documented in
// config.example.toml; CARREL_<SECTION>_<KEY> environment variables
// override the file.
type Config struct {
	Site     SiteConfig     `toml:"site"`
	Server   ServerConfig   `toml:"server"`
	Storage  StorageConfig  `toml:"storage"`
	Upload   UploadConfig   `toml:"upload"`
	Log      LogConfig      `toml:"log"`
	Auth     AuthConfig     `toml:"auth"`
	Stats    StatsConfig    `toml:"stats"`
	Backup   BackupConfig   `toml:"backup"`
	OAuth    OAuthConfig    `toml:"oauth"`
	Fixity   FixityConfig   `toml:"fixity"`
	Search   SearchConfig   `toml:"search"`
	DOI      DOIConfig      `toml:"doi"`
	DataCite DataCiteConfig `toml:"datacite"`
	Metrics  MetricsConfig  `toml:"metrics"`
	// Preservation is where the preservation-export job writes bags.
	Preservation PreservationConfig `toml:"preservation"`
	// Mail is how notifications are sent.
	Mail MailConfig `toml:"mail"`
	// Stores are further places blobs can live, each a [stores.<name>]
	// section shaped like [storage]: targets of `carrel storage migrate`
	// and of preservation bags.
	Stores map[string]StorageConfig `toml:"stores"`
	// Jobs holds each scheduled job's [jobs.<name>] section.
	Jobs map[string]JobConfig `toml:"jobs"`
}

// JobConfig is a [jobs.<name>] section: when the job runs by itself.
type JobConfig struct {
	Schedule string `toml:"schedule"` // cron expression or descriptor, e.g. "30 2 * * *", "@daily", "@every 6h"
	Enabled  bool   `toml:"enabled"`
}

// SiteConfig is the [site] section: how the repository names itself.
type SiteConfig struct {
	Name       string `toml:"name"`
	Publisher  string `toml:"publisher"`
	AdminEmail string `toml:"admin_email"`
}

// ServerConfig is the [server] section.
type ServerConfig struct {
	Addr            string `toml:"addr"`
	BaseURL         string `toml:"base_url"`
	DataDir         string `toml:"data_dir"`
	ShutdownSeconds int    `toml:"shutdown_seconds"`
	VocabularyDir   string `toml:"vocabulary_dir"`
}

// StorageConfig is the [storage] section: where file bytes live.
type StorageConfig struct {
	Backend string   `toml:"backend"`
	Path    string   `toml:"path"`
	S3      S3Config `toml:"s3"`
}

// S3Config is the [storage.s3] section, used when storage.backend is "s3".
type S3Config struct {
	Endpoint             string `toml:"endpoint"`
	Region               string `toml:"region"`
	Bucket               string `toml:"bucket"`
	Prefix               string `toml:"prefix"`
	AccessKey            string `toml:"access_key"`
	SecretKey            string `toml:"secret_key"`
	UseTLS               bool   `toml:"use_tls"`
	Insecure             bool   `toml:"insecure"`
	PathStyle            bool   `toml:"path_style"`
	ServerSideEncryption bool   `toml:"server_side_encryption"`
	SessionToken         string `toml:"session_token"`
	KMSKeyID             string `toml:"sse_kms_key_id"`
	PresignDownloads     bool   `toml:"presign_downloads"`
	PresignSeconds       int    `toml:"presign_seconds"`
}

// UploadConfig is the [upload] section.
type UploadConfig struct {
	MaxFileSize  int64 `toml:"max_file_size"`
	DefaultQuota int64 `toml:"default_quota"`
}

// StatsConfig is the [stats] section: usage statistics.
type StatsConfig struct {
	Enabled     bool   `toml:"enabled"`
	RobotsFile  string `toml:"robots_file"`
	GeoIPFile   string `toml:"geoip_file"`
	Institution string `toml:"institution"`
	Buffer      int    `toml:"buffer"`
}

// BackupConfig is the [backup] section: where the backup job and
// `carrel backup` put copies of the catalog, and how many they keep.
type BackupConfig struct {
	Dir  string `toml:"dir"`
	Keep int    `toml:"keep"`
}

// MetricsConfig is the [metrics] section: who may read /metrics.
type MetricsConfig struct {
	Addr  string `toml:"addr"`
	Token string `toml:"token"`
}

// OAuthConfig is the [oauth] section: lifetimes of what OAuth2 issues.
type OAuthConfig struct {
	CodeSeconds         int `toml:"code_seconds"`
	AccessTokenSeconds  int `toml:"access_token_seconds"`
	RefreshTokenSeconds int `toml:"refresh_token_seconds"`
}

// FixityConfig is the [fixity] section: how much the fixity-audit job
// reads per run.
type FixityConfig struct {
	BudgetBytes int64 `toml:"budget_bytes"`
}

// SearchConfig is the [search] section.
type SearchConfig struct {
	// Concurrent is how many searches run at once, the others waiting
	// their turn; 0 means one per CPU.
	Concurrent int `toml:"concurrent"`
}

// PreservationConfig is the [preservation] section.
type PreservationConfig struct {
	Target string `toml:"target"`
	Store  string `toml:"store"`
	Tar    bool   `toml:"tar"`
}

// LogConfig is the [log] section.
type LogConfig struct {
	Level  string `toml:"level"`
	Format string `toml:"format"`
}

// defaults are the embedded settings `carrel serve` runs on with no file.
func defaults() Config {
	return Config{
		Site:     SiteConfig{Name: "Carrel", AdminEmail: "repository@example.edu"},
		Server:   ServerConfig{Addr: "127.0.0.1:8080", DataDir: "./carrel-data", ShutdownSeconds: 30},
		Storage:  StorageConfig{Backend: "local", S3: S3Config{UseTLS: true, PresignSeconds: 300}},
		Upload:   UploadConfig{MaxFileSize: 100 << 30, DefaultQuota: 0},
		Log:      LogConfig{Level: "info", Format: "text"},
		Auth:     defaultAuth(),
		Stats:    StatsConfig{Enabled: true, Institution: "institution", Buffer: 10000},
		Backup:   BackupConfig{Keep: 14},
		OAuth:    OAuthConfig{CodeSeconds: 300, AccessTokenSeconds: 3600, RefreshTokenSeconds: 30 * 24 * 3600},
		Fixity:   FixityConfig{BudgetBytes: 4 << 30},
		Mail:     MailConfig{Port: 587, TLS: "starttls", From: "Carrel <repository@example.edu>", EmbargoNoticeDays: 7, RetrySeconds: 60},
		DOI:      DOIConfig{Prefix: testPrefix},
		DataCite: DataCiteConfig{Endpoint: "https://api.test.datacite.org", RetrySeconds: 30, PollSeconds: 60},
		Jobs:     defaultJobs(),
	}
}

// loadConfig reads the defaults, then the file (if any), then the
// environment, then the --data flag, and checks the result.
func loadConfig(file, dataDir string) (Config, error) {
	cfg := defaults()
	if file != "" {
		md, err := toml.DecodeFile(file, &cfg)
		if err != nil {
			return cfg, fmt.Errorf("config %s: %w", file, err)
		}
		if undec := md.Undecoded(); len(undec) > 0 {
			return cfg, fmt.Errorf("config %s: unknown key %q (see config.example.toml)", file, undec[0].String())
		}
		keepJobDefaults(&cfg, md)
		keepStoreDefaults(&cfg, md)
	}
	if err := applyEnv(&cfg, os.Environ()); err != nil {
		return cfg, err
	}
	if err := applyJobsEnv(&cfg, os.Environ()); err != nil {
		return cfg, err
	}
	if dataDir != "" {
		cfg.Server.DataDir = dataDir
	}
	return cfg, cfg.validate()
}

// applyEnv sets fields from CARREL_<SECTION>_<KEY> variables.
func applyEnv(cfg *Config, environ []string) error {
	root := reflect.ValueOf(cfg).Elem()
	for _, kv := range environ {
		name, value, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "CARREL_") {
			continue
		}
		field, ok := findEnvField(root, strings.ToLower(strings.TrimPrefix(name, "CARREL_")))
		if !ok {
			continue
		}
		if err := setField(field, value); err != nil {
			return fmt.Errorf("environment %s: %w", name, err)
		}
	}
	return nil
}

// findEnvField finds the field a lower-case "section_key" (or
// "section_subsection_key") names.
func findEnvField(v reflect.Value, key string) (reflect.Value, bool) {
	for i := 0; i < v.NumField(); i++ {
		name := v.Type().Field(i).Tag.Get("toml")
		f := v.Field(i)
		if f.Kind() != reflect.Struct {
			if name == key {
				return f, true
			}
			continue
		}
		if rest, ok := strings.CutPrefix(key, name+"_"); ok {
			if found, ok := findEnvField(f, rest); ok {
				return found, true
			}
		}
	}
	return reflect.Value{}, false
}

func setField(f reflect.Value, value string) error {
	switch f.Kind() {
	case reflect.String:
		f.SetString(value)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not an integer", value)
		}
		f.SetInt(n)
	case reflect.Bool:
		b, err := strconv.ParseBool(value)
		if err != nil {
			return fmt.Errorf("%q is not true or false", value)
		}
		f.SetBool(b)
	default:
		return errors.New("cannot be set from the environment")
	}
	return nil
}

func (c *Config) validate() error {
	if c.Server.DataDir == "" {
		return errors.New("config: server.data_dir must not be empty")
	}
	if o := c.OAuth; o.CodeSeconds < 1 || o.CodeSeconds > 600 || o.AccessTokenSeconds < 60 || o.RefreshTokenSeconds < o.AccessTokenSeconds {
		return errors.New("config: oauth.code_seconds must be 1 to 600 (RFC 6749 advises at most 10 minutes), oauth.access_token_seconds at least 60, and oauth.refresh_token_seconds at least the access token's")
	}
	if err := c.Storage.validate("storage", false); err != nil {
		return err
	}
	for name, sc := range c.Stores {
		if !validStoreName(name) {
			return fmt.Errorf("config: [stores.%s]: a store name is letters, digits, '-' and '_', and not %q", name, "default")
		}
		if err := sc.validate("stores."+name, true); err != nil {
			return err
		}
	}
	if p := c.Preservation; p.Store != "" {
		if p.Target != "" {
			return errors.New("config: set preservation.target (a directory) or preservation.store (a [stores.NAME] section), not both")
		}
		if _, ok := c.Stores[p.Store]; !ok {
			return fmt.Errorf("config: preservation.store %q names no [stores.%s] section", p.Store, p.Store)
		}
	}
	if c.Upload.MaxFileSize <= 0 {
		return errors.New("config: upload.max_file_size must be positive")
	}
	if c.Upload.DefaultQuota < 0 {
		return errors.New("config: upload.default_quota must not be negative")
	}
	if c.Stats.Buffer < 1 {
		return errors.New("config: stats.buffer must be at least 1")
	}
	if c.Stats.Institution != "" && (isStatsEndpoint(c.Stats.Institution) || !validInstitution(c.Stats.Institution)) {
		return fmt.Errorf("config: stats.institution %q must be a short name of letters, digits and '-', and not total, timeline, breakdown or top", c.Stats.Institution)
	}
	if c.Fixity.BudgetBytes < 1 {
		return errors.New("config: fixity.budget_bytes must be positive")
	}
	if c.Search.Concurrent < 0 || c.Search.Concurrent > 1024 {
		return errors.New("config: search.concurrent must be between 0 (one per CPU) and 1024")
	}
	if err := c.Mail.validate(); err != nil {
		return err
	}
	if c.Backup.Keep < 1 {
		return errors.New("config: backup.keep must be at least 1")
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("config: log.level %q must be debug, info, warn or error", c.Log.Level)
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		return fmt.Errorf("config: log.format %q must be text or json", c.Log.Format)
	}
	if c.Server.BaseURL != "" && !strings.HasPrefix(c.Server.BaseURL, "http://") && !strings.HasPrefix(c.Server.BaseURL, "https://") {
		return fmt.Errorf("config: server.base_url %q must start with http:// or https://", c.Server.BaseURL)
	}
	if err := c.validateDOI(); err != nil {
		return err
	}
	return c.Auth.validate(c.Server.BaseURL)
}

// backupDir is where catalog backups go.
func (c *Config) backupDir() string {
	if c.Backup.Dir != "" {
		return c.Backup.Dir
	}
	return filepath.Join(c.Server.DataDir, "backups")
}

// blobDir is where the local storage backend keeps bytes.
func (c *Config) blobDir() string {
	if c.Storage.Path != "" {
		return c.Storage.Path
	}
	return filepath.Join(c.Server.DataDir, "blobs")
}

func isStatsEndpoint(s string) bool {
	return s == "total" || s == "timeline" || s == "breakdown" || s == "top"
}

func validInstitution(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return len(s) <= 64
}

// validate checks a [storage] or [stores.NAME] section (named section);
// a named local store must give its path.
func (s StorageConfig) validate(section string, needPath bool) error {
	switch s.Backend {
	case "local":
		if needPath && s.Path == "" {
			return fmt.Errorf("config: %s.backend is \"local\" but %s.path is not set", section, section)
		}
	case "s3":
		s3 := s.S3
		if s3.Endpoint == "" || s3.Bucket == "" {
			return fmt.Errorf("config: %s.backend is \"s3\" but %s.s3.endpoint and %s.s3.bucket are not both set", section, section, section)
		}
		if (s3.AccessKey == "") != (s3.SecretKey == "") {
			return fmt.Errorf("config: set both %s.s3.access_key and %s.s3.secret_key, or neither (to use the environment or an instance role)", section, section)
		}
		if s3.PresignDownloads && (s3.PresignSeconds < 1 || s3.PresignSeconds > 7*24*3600) {
			return fmt.Errorf("config: %s.s3.presign_seconds must be 1 to 604800 (S3's limit of 7 days) when presign_downloads is on", section)
		}
	default:
		return fmt.Errorf("config: %s.backend %q is not supported (use \"local\" or \"s3\")", section, s.Backend)
	}
	return nil
}

func validStoreName(name string) bool {
	return name != "default" && name != "" && len(name) <= 64 && validInstitution(name)
}

// keepStoreDefaults gives each [stores.NAME] section the defaults of
// [storage] for the keys it leaves out (TOML decodes a map entry from
// zero values).
func keepStoreDefaults(cfg *Config, md toml.MetaData) {
	for name, sc := range cfg.Stores {
		if !md.IsDefined("stores", name, "backend") {
			sc.Backend = "local"
		}
		if !md.IsDefined("stores", name, "s3", "use_tls") {
			sc.S3.UseTLS = true
		}
		if !md.IsDefined("stores", name, "s3", "presign_seconds") {
			sc.S3.PresignSeconds = 300
		}
		cfg.Stores[name] = sc
	}
}
