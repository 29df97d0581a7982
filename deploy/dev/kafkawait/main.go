// Command kafkawait waits until a Kafka broker answers a metadata request and
// lists at least one broker, for deploy/dev/services.sh.
//
// Usage:
//
//	kafkawait -brokers 127.0.0.1:19092 -timeout 120s [-pid 1234]
//
// It exits 0 once the cluster answers, 1 when the timeout passes first or the
// process named by -pid exits (the broker died while starting), and 2 on bad
// flags. Each attempt is bounded by its own short deadline, so a listener that
// accepts connections but never answers cannot hang it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

func main() {
	brokers := flag.String("brokers", "127.0.0.1:19092", "comma-separated seed brokers")
	timeout := flag.Duration("timeout", 2*time.Minute, "give up after this long")
	pid := flag.Int("pid", 0, "stop waiting when this process exits (0: no process to watch)")
	quiet := flag.Bool("q", false, "print nothing on success")
	flag.Parse()
	if flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "kafkawait: unexpected arguments:", flag.Args())
		os.Exit(2)
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	desc, err := wait(ctx, strings.Split(*brokers, ","), *pid)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kafkawait: %s: %v\n", *brokers, err)
		os.Exit(1)
	}
	if !*quiet {
		fmt.Println(desc)
	}
}

// wait polls the cluster until a metadata request lists a broker, ctx ends, or
// the process pid (when non-zero) is gone. It returns a one-line description of
// the cluster.
func wait(ctx context.Context, seeds []string, pid int) (string, error) {
	var last error
	for {
		if pid > 0 && !alive(pid) {
			return "", fmt.Errorf("process %d exited while waiting (last error: %v)", pid, last)
		}
		desc, err := probe(ctx, seeds)
		if err == nil {
			return desc, nil
		}
		last = err
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("not ready before the timeout: %w", last)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// probe makes one metadata request with a fresh client and a 3 s deadline.
func probe(ctx context.Context, seeds []string) (string, error) {
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(seeds...),
		kgo.DialTimeout(2*time.Second),
		kgo.RequestRetries(0),
		kgo.RetryTimeout(time.Second),
	)
	if err != nil {
		return "", fmt.Errorf("new client: %w", err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	md, err := kadm.NewClient(cl).BrokerMetadata(ctx)
	if err != nil {
		return "", fmt.Errorf("metadata: %w", err)
	}
	if len(md.Brokers) == 0 {
		return "", errors.New("metadata lists no brokers yet")
	}
	return fmt.Sprintf("cluster %s: %d broker(s), controller %d", md.Cluster, len(md.Brokers), md.Controller), nil
}

// alive reports whether process pid exists.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
