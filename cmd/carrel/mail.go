package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"time"

	"carrel/app"
	"carrel/app/catalog"
	"carrel/app/notify"
	"carrel/ui"
)

// MailConfig is the [mail] section: the SMTP server notifications go
// through. With enabled false, nothing is queued or sent.
type MailConfig struct {
	Enabled           bool   `toml:"enabled"`
	Host              string `toml:"host"`
	Port              int    `toml:"port"`
	Username          string `toml:"username"`
	Password          string `toml:"password"`
	From              string `toml:"from"`
	TLS               string `toml:"tls"` // starttls, tls or none
	EmbargoNoticeDays int    `toml:"embargo_notice_days"`
	RetrySeconds      int    `toml:"retry_seconds"`
}

func (m *MailConfig) validate() error {
	if !m.Enabled {
		return nil
	}
	if m.Host == "" {
		return errors.New("config: mail.enabled is true but mail.host is not set")
	}
	if m.Port < 1 || m.Port > 65535 {
		return fmt.Errorf("config: mail.port %d is not a port", m.Port)
	}
	if _, err := mail.ParseAddress(m.From); err != nil {
		return fmt.Errorf("config: mail.from %q is not an address like \"Repository <repository@example.edu>\"", m.From)
	}
	switch m.TLS {
	case "starttls", "tls", "none":
	default:
		return fmt.Errorf("config: mail.tls %q must be starttls, tls or none", m.TLS)
	}
	if (m.Username == "") != (m.Password == "") {
		return errors.New("config: set both mail.username and mail.password, or neither")
	}
	if m.EmbargoNoticeDays < 0 || m.RetrySeconds < 1 {
		return errors.New("config: mail.embargo_notice_days must not be negative and mail.retry_seconds must be positive")
	}
	return nil
}

// notifyJob is the notify job: events become mail, the outbox is sent.
// Without [mail] enabled it does nothing and says so.
func notifyJob(d jobDeps) app.JobFunc {
	return func(ctx context.Context, r *app.JobReport) error {
		if !d.cfg.Mail.Enabled {
			r.Add("mail_disabled", 1)
			return nil
		}
		n, err := newNotifier(d.cfg, d.cat, d.log)
		if err != nil {
			return err
		}
		return n.Run(ctx, r)
	}
}

func newNotifier(cfg Config, cat *catalog.DB, log *slog.Logger) (*notify.Notifier, error) {
	m := cfg.Mail
	sender := &notify.SMTP{Host: m.Host, Port: m.Port, Username: m.Username, Password: m.Password, From: m.From, TLS: m.TLS}
	base := cfg.Server.BaseURL
	if base == "" {
		base = "http://" + cfg.Server.Addr
	}
	return notify.New(notify.Config{SiteName: cfg.Site.Name, BaseURL: base, EmbargoNotice: time.Duration(m.EmbargoNoticeDays) * 24 * time.Hour,
		RetryBase: time.Duration(m.RetrySeconds) * time.Second}, cat, sender, ui.Mail(), log)
}
