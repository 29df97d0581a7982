package integration

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// privatePG is a throwaway PostgreSQL cluster of one test, for conditions
// that must not be made on the shared server because they would disturb
// the tests running on it at the same time: another wal_level (a restart)
// or a tiny max_slot_wal_keep_size (it would invalidate everyone's slots).
// It uses 1 MB WAL segments, so that WAL is cheap to use up.
type privatePG struct {
	t    *testing.T
	bin  string // folder of initdb, pg_ctl
	dir  string // holds data/ and the server log
	port int
	as   []string // runs a command as the postgres user when we are root
}

// newPrivatePG makes a new cluster (not started). It needs the server
// binaries that deploy/dev/services.sh installs.
func newPrivatePG(t *testing.T) *privatePG {
	t.Helper()
	bin := pgBinDir()
	if bin == "" {
		t.Skip("no PostgreSQL server binaries (initdb, pg_ctl) on this machine; deploy/dev/services.sh up installs them")
	}
	dir, err := os.MkdirTemp("", "helios-privpg-")
	if err != nil {
		t.Fatal(err)
	}
	p := &privatePG{t: t, bin: bin, dir: dir, port: freePort(t)}
	t.Cleanup(func() {
		p.pgctl("-m", "immediate", "-w", "stop") // no error: it may not run
		os.RemoveAll(dir)
	})
	if os.Geteuid() == 0 { // initdb and postgres refuse to run as root
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skipf("running as root and there is no postgres user to run a private server as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		p.as = []string{"runuser", "-u", "postgres", "--"}
	}
	if out, err := p.command(filepath.Join(bin, "initdb"), "-D", p.data(), "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--wal-segsize=1").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	return p
}

// pgBinDir returns the folder of the newest installed server binaries, or
// "" when there are none.
func pgBinDir() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		a, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		b, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return a < b
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i]
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	return ""
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func (p *privatePG) data() string { return filepath.Join(p.dir, "data") }

func (p *privatePG) command(name string, args ...string) *exec.Cmd {
	argv := append(append(append([]string{}, p.as...), name), args...)
	return exec.Command(argv[0], argv[1:]...)
}

func (p *privatePG) pgctl(args ...string) ([]byte, error) {
	return p.command(filepath.Join(p.bin, "pg_ctl"), append([]string{"-D", p.data()}, args...)...).CombinedOutput()
}

// start starts the server with settings ("name=value") beyond the base ones.
func (p *privatePG) start(settings ...string) {
	p.t.Helper()
	opts := []string{"listen_addresses=127.0.0.1", fmt.Sprintf("port=%d", p.port), "unix_socket_directories=" + p.dir,
		"fsync=off", "shared_buffers=16MB", "max_connections=20"}
	var o strings.Builder
	for _, s := range append(opts, settings...) {
		o.WriteString(" -c " + s)
	}
	if out, err := p.pgctl("-l", filepath.Join(p.dir, "server.log"), "-w", "-t", "60", "-o", o.String(), "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(p.dir, "server.log"))
		p.t.Fatalf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
}

// stop stops the server and waits for it.
func (p *privatePG) stop() {
	p.t.Helper()
	if out, err := p.pgctl("-m", "fast", "-w", "-t", "60", "stop"); err != nil {
		p.t.Fatalf("pg_ctl stop: %v\n%s", err, out)
	}
}

func (p *privatePG) dsn() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", p.port)
}

// waitExit waits up to d for the process to end by itself and returns its
// exit code.
func waitExit(t *testing.T, p *proc, d time.Duration) int {
	t.Helper()
	select {
	case <-p.exited:
	case <-time.After(d):
		t.Fatalf("helios-etl still runs after %s\n%s", d, p.logText())
	}
	if p.err == nil {
		return 0
	}
	if ee, ok := p.err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	t.Fatalf("helios-etl: %v", p.err)
	return -1
}

// waitSlotInactive waits until no walsender holds slot: the server ends it
// a moment after helios-etl has gone.
func waitSlotInactive(ctx context.Context, t *testing.T, conn *pgx.Conn, slot string) {
	t.Helper()
	if err := waitFor(ctx, "slot "+slot+" inactive", func() (bool, error) {
		var active bool
		err := conn.QueryRow(ctx, "SELECT coalesce((SELECT active FROM pg_replication_slots WHERE slot_name = $1), false)", slot).Scan(&active)
		return !active, err
	}); err != nil {
		t.Fatal(err)
	}
}
