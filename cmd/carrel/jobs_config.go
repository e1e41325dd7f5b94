package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"carrel/app/stats"
)

// defaultJobs is the [jobs.<name>] section of every job that runs by
// itself unless configured otherwise. A job registered in registerJobs
// without an entry here runs only by hand (carrel jobs run NAME).
func defaultJobs() map[string]JobConfig {
	return map[string]JobConfig{
		"doi-outbox":            {Schedule: "@every 15m", Enabled: true},
		stats.RollupJobName:     {Schedule: "@every 1m", Enabled: true},
		"backup":                {Schedule: "15 2 * * *", Enabled: true},
		"fixity-audit":          {Schedule: "30 * * * *", Enabled: true},
		"preservation-export":   {Schedule: "45 2 * * *", Enabled: true},
		"embargo-lift":          {Schedule: "*/10 * * * *", Enabled: true},
		"private-link-expiry":   {Schedule: "30 3 * * *", Enabled: true},
		"saml-metadata-refresh": {Schedule: "20 * * * *", Enabled: true},
		"metadata-dump":         {Schedule: "0 4 * * *", Enabled: true},
		"notify":                {Schedule: "@every 1m", Enabled: true},
	}
}

// keepJobDefaults restores the default of every [jobs.<name>] key the file
// does not set: TOML decoding replaces a whole map entry, so
// `[jobs.backup] enabled = false` would otherwise clear the schedule too.
func keepJobDefaults(cfg *Config, md toml.MetaData) {
	def := defaultJobs()
	for name, jc := range cfg.Jobs {
		d, ok := def[name]
		if !ok {
			continue
		}
		if !md.IsDefined("jobs", name, "schedule") {
			jc.Schedule = d.Schedule
		}
		if !md.IsDefined("jobs", name, "enabled") {
			jc.Enabled = d.Enabled
		}
		cfg.Jobs[name] = jc
	}
}

// applyJobsEnv applies CARREL_JOBS_<NAME>_SCHEDULE and _ENABLED, where
// NAME is the job's name in upper case with "-" written as "_"
// (CARREL_JOBS_FIXITY_AUDIT_ENABLED=false).
func applyJobsEnv(cfg *Config, environ []string) error {
	for _, kv := range environ {
		name, value, _ := strings.Cut(kv, "=")
		rest, ok := strings.CutPrefix(name, "CARREL_JOBS_")
		if !ok {
			continue
		}
		rest = strings.ToLower(rest)
		var job, key string
		switch {
		case strings.HasSuffix(rest, "_schedule"):
			job, key = strings.TrimSuffix(rest, "_schedule"), "schedule"
		case strings.HasSuffix(rest, "_enabled"):
			job, key = strings.TrimSuffix(rest, "_enabled"), "enabled"
		default:
			return fmt.Errorf("environment %s: a job setting ends in _SCHEDULE or _ENABLED", name)
		}
		job = strings.ReplaceAll(job, "_", "-")
		if cfg.Jobs == nil {
			cfg.Jobs = map[string]JobConfig{}
		}
		jc := cfg.Jobs[job]
		if key == "schedule" {
			jc.Schedule = value
		} else {
			b, err := strconv.ParseBool(value)
			if err != nil {
				return fmt.Errorf("environment %s: %q is not true or false", name, value)
			}
			jc.Enabled = b
		}
		cfg.Jobs[job] = jc
	}
	return nil
}
