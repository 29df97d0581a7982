// Package deploy holds the operator-facing deployment files of helios-etl
// (systemd, Kubernetes, Prometheus rules, Grafana) and the tests that hold
// them to the code: every metric and label they use is registered by the
// real collectors, every command and flag exists in the binary, and every
// embedded configuration passes `helios-etl config check`. It has no Go API.
package deploy
