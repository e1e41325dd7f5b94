package main

import (
	"log/slog"

	"carrel/app/catalog"
	"carrel/app/stats"
)

// openUsage starts the usage recorder on the catalog.
func openUsage(cfg Config, cat *catalog.DB, log *slog.Logger) (*stats.Recorder, error) {
	rec, err := stats.New(stats.Config{RobotsFile: cfg.Stats.RobotsFile, GeoIPFile: cfg.Stats.GeoIPFile,
		Buffer: cfg.Stats.Buffer}, cat, log)
	if err != nil {
		return nil, err
	}
	return rec, nil
}
