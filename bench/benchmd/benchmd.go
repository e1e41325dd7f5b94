// Package benchmd is what Carrel's benchmark drivers share: a description
// of the machine a benchmark ran on, and the rewriting of one benchmark's
// delimited section of BENCHMARKS.md, leaving the others as they are.
package benchmd

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
)

// Machine describes where a benchmark ran.
type Machine struct {
	CPU, Cores, RAM, Kernel, OS, GoVersion, Carrel, Load string
}

// String is the machine in one line, for a report's "Machine:" entry.
func (m Machine) String() string {
	return fmt.Sprintf("%s; %s cores; %s RAM; Linux %s; %s", m.CPU, m.Cores, m.RAM, m.Kernel, m.OS)
}

// DescribeMachine reads /proc and asks the carrel binary its version.
func DescribeMachine(ctx context.Context, carrel string) (Machine, error) {
	m := Machine{CPU: "unknown", GoVersion: runtime.Version(), Cores: fmt.Sprint(runtime.NumCPU())}
	if v := procField("/proc/cpuinfo", "model name"); v != "" {
		m.CPU = v
	}
	if v := procField("/proc/meminfo", "MemTotal"); v != "" {
		var kb int64
		fmt.Sscanf(v, "%d", &kb)
		m.RAM = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if v := procField("/etc/os-release", "PRETTY_NAME"); v != "" {
		m.OS = strings.Trim(v, `"`)
	}
	m.Load = LoadAverage()
	out, err := exec.CommandContext(ctx, carrel, "version").Output()
	if err != nil {
		return m, fmt.Errorf("%s version: %v", carrel, err)
	}
	m.Carrel = strings.TrimSpace(string(out))
	return m, nil
}

// LoadAverage is the 1, 5 and 15 minute load averages.
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// procField returns the value of the first "name: value" or "name=value"
// line in a file such as /proc/cpuinfo.
func procField(path, name string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			k, v, ok = strings.Cut(sc.Text(), "=")
		}
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// Begin and End are the markers around the section of the benchmark name.
func Begin(name string) string { return "<!-- bench:" + name + " -->" }

// End is the marker closing a benchmark's section.
func End(name string) string { return "<!-- /bench:" + name + " -->" }

// header starts a new BENCHMARKS.md.
const header = `# Benchmarks

Figures written by ` + "`make bench`" + `. Each benchmark owns one section between its own
HTML comment markers and replaces only that section; the rest of this file is kept.

`

// WriteSection replaces the section of benchmark name in the file at path
// (or appends it, creating the file if need be), keeping everything else.
// section must start with Begin(name) and end with End(name).
func WriteSection(path, name, section string) error {
	begin, end := Begin(name), End(name)
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	text := string(old)
	if text == "" {
		text = header
	}
	i := strings.Index(text, begin)
	j := strings.Index(text, end)
	switch {
	case i >= 0 && j > i:
		text = text[:i] + strings.TrimSuffix(section, "\n") + text[j+len(end):]
	case i >= 0 || j >= 0:
		return fmt.Errorf("%s: unbalanced %s / %s markers; fix them by hand", path, begin, end)
	default:
		if !strings.HasSuffix(text, "\n\n") {
			text = strings.TrimRight(text, "\n") + "\n\n"
		}
		text += section
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
