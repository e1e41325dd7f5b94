package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"carrel/app/metrics"
	"carrel/app/stats"
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs := e.flags("serve", "serve [--config FILE] [--data DIR] [--addr HOST:PORT]")
	addr := fs.String("addr", "", "listen on `HOST:PORT` (default 127.0.0.1:8080)")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	if *addr != "" {
		cfg.Server.Addr = *addr
	}
	log := newLogger(e.stderr, cfg.Log)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	release, err := lockDataDir(cfg.Server.DataDir)
	if err != nil {
		return fmt.Errorf("cannot start: %w", err)
	}
	defer release()
	cat, err := openCatalog(ctx, cfg)
	if err != nil {
		return err
	}
	defer cat.Close()
	blobs, err := openBlobs(ctx, cfg, cat)
	if err != nil {
		return err
	}
	index, indexer, err := openIndex(ctx, cfg, cat, log)
	if err != nil {
		return err
	}
	defer index.Close()
	defer indexer.Stop() // before the index closes
	stopControl, err := listenControl(ctx, cfg, &control{cfg: cfg, cat: cat, index: index, indexer: indexer, blobs: blobs, log: log})
	if err != nil {
		return err
	}
	defer stopControl()
	go followCatalog(ctx, indexer, 15*time.Second, log)
	go countEverything(ctx, index, log)
	m := metrics.New(cat)
	dois := doiWorker(cfg, cat, log)
	sched, err := newScheduler(jobDeps{cfg: cfg, cat: cat, blobs: blobs, log: log, doi: dois, metrics: m})
	if err != nil {
		return err
	}
	sched.OnFinish = m.JobFinished
	var usage *stats.Recorder
	if cfg.Stats.Enabled {
		if usage, err = openUsage(cfg, cat, log); err != nil {
			return err
		}
	}
	handler, err := buildHandler(cfg, cat, blobs, indexer, sched, m, usage, log)
	if err != nil {
		return err
	}
	workCtx, stopWork := context.WithCancel(ctx)
	doiDone := startDOIWorker(workCtx, cfg, cat, dois, log)
	defer func() { stopWork(); <-doiDone }()

	ln, err := net.Listen("tcp", cfg.Server.Addr)
	if err != nil {
		return err
	}
	if cfg.Metrics.Addr != "" {
		stopMetrics, err := serveMetrics(cfg.Metrics.Addr, m, log)
		if err != nil {
			ln.Close()
			return err
		}
		defer stopMetrics()
	}
	if err := sched.Start(ctx); err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	url := cfg.Server.BaseURL
	if url == "" {
		url = "http://" + ln.Addr().String()
	}
	log.Info("Carrel is listening", "url", url, "data", cfg.Server.DataDir, "version", version)
	if e.listening != nil {
		e.listening(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		sched.Stop(context.Background())
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: draining requests", "timeout_seconds", cfg.Server.ShutdownSeconds)
	sctx, cancel := context.WithTimeout(context.Background(), time.Duration(cfg.Server.ShutdownSeconds)*time.Second)
	defer cancel()
	shutdownErr := srv.Shutdown(sctx)
	log.Info("shutting down: waiting for running jobs")
	sched.Stop(sctx)
	if shutdownErr != nil {
		return fmt.Errorf("shutdown: %w", shutdownErr)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	if usage != nil {
		// Requests have stopped: write every buffered usage event.
		if err := usage.Close(sctx); err != nil {
			return err
		}
	}
	log.Info("stopped cleanly")
	return nil
}
