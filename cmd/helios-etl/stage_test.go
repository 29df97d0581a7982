package main

import (
	"strings"
	"testing"
)

func TestStageRequiresKeys(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "etl.toml", "[stage]\ntransforms = [\"count\"]\n")
	_, stderr, err := run(t, "", "stage", "--config", path)
	if exitCode(err) != 2 {
		t.Fatalf("exit code %d (%v), want 2", exitCode(err), err)
	}
	for _, key := range []string{"kafka.brokers", "stage.name", "stage.inputs", "stage.output"} {
		if !strings.Contains(stderr, key+": must be set for this command") {
			t.Errorf("stderr does not name %s:\n%s", key, stderr)
		}
	}
}

func TestStageConfigMapping(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "etl.toml", `[kafka]
brokers = ["127.0.0.1:9092"]
transactional_id_prefix = "tx"
[etl]
batch_size = 77
dlq_topic_suffix = ".dlq"
[stage]
name = "clean"
inputs = ["a"]
output = "b"
transforms = ["count"]
delivery = "at_least_once"
instance_id = "i1"
`)
	cfg, err := loadConfig(nil, path)
	if err != nil {
		t.Fatal(err)
	}
	sc := stageConfig(cfg)
	if sc.DLQTopic != "clean.dlq" || sc.ChangelogTopic != "clean-changelog" || sc.Mode != "at_least_once" ||
		sc.InstanceID != "i1" || sc.Live.BatchSize != 77 || sc.TransactionalIDPrefix != "tx" {
		t.Errorf("stageConfig = %+v", sc)
	}
}
