package deploy

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const unitPath = "systemd/helios-etl@.service"

// readUnit returns the unit's directives, key to values in order.
func readUnit(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	sc := bufio.NewScanner(strings.NewReader(readFile(t, unitPath)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "[") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: cannot read %q", unitPath, line)
		}
		out[k] = append(out[k], v)
	}
	return out
}

func TestSystemdUnit(t *testing.T) {
	u := readUnit(t)
	one := func(k string) string {
		if len(u[k]) != 1 {
			t.Errorf("%s: want one %s=, have %q", unitPath, k, u[k])
			return ""
		}
		return u[k][0]
	}
	for k, want := range map[string]string{
		"Type": "simple", "Restart": "on-failure", "KillSignal": "SIGTERM", "NoNewPrivileges": "yes",
		"ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes", "DynamicUser": "yes",
		"StateDirectory": "helios-etl/%i", "RestartPreventExitStatus": "2",
	} {
		if got := one(k); got != want {
			t.Errorf("%s=%s, want %s", k, got, want)
		}
	}
	// Stop timeout above the drain (server.shutdown_timeout, 30s by default).
	if d, err := time.ParseDuration(one("TimeoutStopSec")); err != nil || d <= 30*time.Second {
		t.Errorf("TimeoutStopSec=%s: want a duration above server.shutdown_timeout (30s)", one("TimeoutStopSec"))
	}
	// The commands: the real binary's subcommands and flags, for every
	// HELIOS_ETL_COMMAND the unit documents.
	cfg := "/etc/helios-etl/%i.toml"
	pre := strings.Fields(one("ExecStartPre"))
	if len(pre) != 4 || strings.Join(pre[1:], " ") != "config check "+cfg {
		t.Errorf("ExecStartPre=%q, want BINARY config check %s", pre, cfg)
	}
	checkCommandLine(t, "ExecStartPre", pre[1:])
	start := strings.Fields(one("ExecStart"))
	if len(start) < 2 || start[1] != "$HELIOS_ETL_COMMAND" || start[0] != pre[0] {
		t.Fatalf("ExecStart=%q, want %s $HELIOS_ETL_COMMAND ...", start, pre[0])
	}
	for _, command := range []string{"cdc", "stage", "sink postgres", "sink kafka"} {
		if !strings.Contains(readFile(t, unitPath), command) {
			t.Errorf("the unit does not document HELIOS_ETL_COMMAND=%s", command)
		}
		args := append(strings.Fields(command), start[2:]...)
		checkCommandLine(t, "ExecStart with "+command, args)
	}
	if got := strings.Join(start[2:], " "); got != "--config "+cfg {
		t.Errorf("ExecStart flags %q, want --config %s", got, cfg)
	}
	if out, _ := exec.Command(binary(t), "stage", "--help").Output(); !strings.Contains(string(out), "SIGHUP reloads") {
		t.Error("stage --help no longer says SIGHUP reloads: review ExecReload")
	}
	t.Run("reload", func(t *testing.T) { testReload(t, one("ExecReload")) })
	t.Run("verify", func(t *testing.T) { verifyUnit(t, pre[0]) })
}

// testReload runs the unit's ExecReload as systemd would (MAINPID and
// the environment file's HELIOS_ETL_COMMAND set): it sends SIGHUP to a
// stage, and to nothing else, since cdc and sink exit on SIGHUP.
func testReload(t *testing.T, reload string) {
	script, ok := strings.CutPrefix(reload, "/bin/sh -c '")
	if !ok || !strings.HasSuffix(script, "'") {
		t.Fatalf("ExecReload=%s: want /bin/sh -c '...'", reload)
	}
	script = strings.ReplaceAll(strings.TrimSuffix(script, "'"), "%i", "test")
	for _, tc := range []struct {
		command string
		hup     bool
	}{{"stage", true}, {"cdc", false}, {"sink postgres", false}, {"sink kafka", false}} {
		main := exec.Command("sleep", "30")
		if err := main.Start(); err != nil {
			t.Fatal(err)
		}
		sh := exec.Command("/bin/sh", "-c", script)
		sh.Env = append(os.Environ(), "HELIOS_ETL_COMMAND="+tc.command, "MAINPID="+strconv.Itoa(main.Process.Pid))
		err := sh.Run()
		if (err == nil) != tc.hup {
			t.Errorf("%s: reload error %v, want success=%v", tc.command, err, tc.hup)
		}
		if tc.hup {
			werr := main.Wait()
			if ws, ok := main.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGHUP {
				t.Errorf("%s: main process ended with %v, want SIGHUP", tc.command, werr)
			}
			continue
		}
		if err := main.Process.Signal(syscall.Signal(0)); err != nil {
			t.Errorf("%s: main process gone after reload: %v", tc.command, err)
		}
		_ = main.Process.Kill()
		_ = main.Wait()
	}
}

// verifyUnit runs systemd-analyze verify on an instance of the unit, with
// the binary path pointed at the one the tests built; any complaint about
// the unit fails (verify exits 0 on unknown keys, so its output counts).
func verifyUnit(t *testing.T, installed string) {
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed (Debian package systemd): unit not verified")
	}
	dir := t.TempDir()
	text := strings.ReplaceAll(readFile(t, unitPath), installed, binary(t))
	if err := os.WriteFile(filepath.Join(dir, "helios-etl@.service"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(sa, "verify", "--man=no", "./helios-etl@.service")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	var complaints []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, "helios-etl@") {
			complaints = append(complaints, l)
		}
	}
	if err != nil || len(complaints) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
