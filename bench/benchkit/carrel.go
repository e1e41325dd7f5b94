package benchkit

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// AdminToken creates an administrator in the data directory with carrel's
// command line and returns a new API token for it.
func AdminToken(ctx context.Context, bin, data string) (string, error) {
	const email = "bench@example.org"
	cli := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
		cmd.WaitDelay = 10 * time.Second
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("carrel %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
		}
		return strings.TrimSpace(out.String()), nil
	}
	if _, err := cli("user", "add", "--data", data, "--email", email, "--name", "Bench Admin", "--admin"); err != nil {
		return "", err
	}
	return cli("token", "create", "--data", data, "--email", email)
}
