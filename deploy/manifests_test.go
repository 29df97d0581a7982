package deploy

import (
	"bytes"
	"errors"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// k8sObject is the part of a manifest these tests read; yaml.v3 expands
// the anchors the files use.
type k8sObject struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name        string            `yaml:"name"`
		Labels      map[string]string `yaml:"labels"`
		Annotations map[string]string `yaml:"annotations"`
	} `yaml:"metadata"`
	Data map[string]string `yaml:"data"`
	Spec k8sSpec           `yaml:"spec"`
}

type k8sSpec struct {
	Replicas       *int `yaml:"replicas"`
	ServiceName    string
	MaxUnavailable any `yaml:"maxUnavailable"`
	Selector       struct {
		MatchLabels map[string]string `yaml:"matchLabels"`
	} `yaml:"selector"`
	Ports []struct {
		Port       int    `yaml:"port"`
		TargetPort string `yaml:"targetPort"`
	} `yaml:"ports"`
	Template struct {
		Metadata struct {
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"metadata"`
		Spec struct {
			TerminationGracePeriodSeconds *int           `yaml:"terminationGracePeriodSeconds"`
			InitContainers                []k8sContainer `yaml:"initContainers"`
			Containers                    []k8sContainer `yaml:"containers"`
			Volumes                       []struct {
				Name      string `yaml:"name"`
				ConfigMap *struct {
					Name string `yaml:"name"`
				} `yaml:"configMap"`
			} `yaml:"volumes"`
		} `yaml:"spec"`
	} `yaml:"template"`
	VolumeClaimTemplates []struct {
		Metadata struct {
			Name string `yaml:"name"`
		} `yaml:"metadata"`
	} `yaml:"volumeClaimTemplates"`
}

type k8sProbe struct {
	HTTPGet *struct {
		Path string `yaml:"path"`
		Port string `yaml:"port"`
	} `yaml:"httpGet"`
}

type k8sContainer struct {
	Name    string   `yaml:"name"`
	Args    []string `yaml:"args"`
	EnvFrom []struct {
		SecretRef *struct {
			Name string `yaml:"name"`
		} `yaml:"secretRef"`
	} `yaml:"envFrom"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	StartupProbe, LivenessProbe, ReadinessProbe *k8sProbe
	Resources                                   struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
	SecurityContext struct {
		AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
		ReadOnlyRootFilesystem   bool  `yaml:"readOnlyRootFilesystem"`
	} `yaml:"securityContext"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
}

// UnmarshalYAML reads the probes, whose keys are camel case.
func (c *k8sContainer) UnmarshalYAML(n *yaml.Node) error {
	type plain k8sContainer
	var p struct {
		plain          `yaml:",inline"`
		StartupProbe   *k8sProbe `yaml:"startupProbe"`
		LivenessProbe  *k8sProbe `yaml:"livenessProbe"`
		ReadinessProbe *k8sProbe `yaml:"readinessProbe"`
	}
	if err := n.Decode(&p); err != nil {
		return err
	}
	*c = k8sContainer(p.plain)
	c.StartupProbe, c.LivenessProbe, c.ReadinessProbe = p.StartupProbe, p.LivenessProbe, p.ReadinessProbe
	return nil
}

func readManifests(t *testing.T, path string) []k8sObject {
	t.Helper()
	dec := yaml.NewDecoder(strings.NewReader(readFile(t, path)))
	var out []k8sObject
	for {
		var o k8sObject
		err := dec.Decode(&o)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, o)
	}
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}`)

func TestKubernetesManifests(t *testing.T) {
	var kust struct {
		Resources []string `yaml:"resources"`
	}
	readYAML(t, "kubernetes/kustomization.yaml", &kust)
	var secret struct {
		Metadata   struct{ Name string } `yaml:"metadata"`
		StringData map[string]string     `yaml:"stringData"`
	}
	readYAML(t, "kubernetes/secret.example.yaml", &secret)
	paths := servedPaths(t)
	var objs []k8sObject
	for _, r := range kust.Resources {
		objs = append(objs, readManifests(t, filepath.Join("kubernetes", r))...)
	}
	byKind := func(kind string) []k8sObject {
		var out []k8sObject
		for _, o := range objs {
			if o.Kind == kind {
				out = append(out, o)
			}
		}
		return out
	}
	workloads := append(byKind("StatefulSet"), byKind("Deployment")...)
	if len(workloads) < 3 {
		t.Fatalf("%d workloads, want the cdc, stage and sink examples", len(workloads))
	}
	sawCDC := false
	for _, w := range workloads {
		where := w.Kind + " " + w.Metadata.Name
		spec := w.Spec.Template.Spec
		if len(spec.Containers) != 1 {
			t.Fatalf("%s: %d containers, want 1", where, len(spec.Containers))
		}
		c := spec.Containers[0]
		checkCommandLine(t, where, c.Args)
		command := strings.Join(c.Args[:slices.IndexFunc(c.Args, func(a string) bool { return strings.HasPrefix(a, "--") })], " ")
		cfgPath := c.Args[slices.Index(c.Args, "--config")+1]

		// The configuration: a mounted ConfigMap that passes config check
		// with the Secret's keys as environment.
		var toml string
		for _, v := range spec.Volumes {
			if v.ConfigMap == nil {
				continue
			}
			for _, cm := range byKind("ConfigMap") {
				if cm.Metadata.Name == v.ConfigMap.Name {
					toml = cm.Data[filepath.Base(cfgPath)]
				}
			}
		}
		if toml == "" {
			t.Fatalf("%s: no ConfigMap holds %s", where, cfgPath)
		}
		var env []string
		for _, m := range envRef.FindAllStringSubmatch(toml, -1) {
			if _, ok := secret.StringData[m[1]]; !ok && m[2] == "" {
				t.Errorf("%s: the configuration reads ${%s}, which the example Secret does not hold", where, m[1])
			}
			env = append(env, m[1]+"=postgres://test@127.0.0.1:1/test")
		}
		if envRef.MatchString(toml) && !slices.ContainsFunc(c.EnvFrom, func(e struct {
			SecretRef *struct {
				Name string `yaml:"name"`
			} `yaml:"secretRef"`
		}) bool {
			return e.SecretRef != nil && e.SecretRef.Name == secret.Metadata.Name
		}) {
			t.Errorf("%s: the configuration reads ${VAR} but the container has no envFrom of Secret %s", where, secret.Metadata.Name)
		}
		configCheck(t, where, toml, env)
		if len(spec.InitContainers) == 0 || strings.Join(spec.InitContainers[0].Args, " ") != "config check "+cfgPath {
			t.Errorf("%s: no config-check init container for %s", where, cfgPath)
		}

		// Drain: the grace period is above server.shutdown_timeout.
		shutdown := tomlDuration(t, toml, 30*time.Second, "server", "shutdown_timeout")
		if g := spec.TerminationGracePeriodSeconds; g == nil || time.Duration(*g)*time.Second <= shutdown {
			t.Errorf("%s: terminationGracePeriodSeconds must be above server.shutdown_timeout (%s)", where, shutdown)
		}

		// Probes on what the binary serves, on the metrics port.
		addr := tomlString(t, toml, "monitoring", "metrics_addr")
		host, port, ok := strings.Cut(addr, ":")
		if !ok || (host != "" && host != "0.0.0.0") {
			t.Errorf("%s: monitoring.metrics_addr %q must listen on every interface for probes and scrapes", where, addr)
		}
		portName := ""
		for _, p := range c.Ports {
			if strconv.Itoa(p.ContainerPort) == port {
				portName = p.Name
			}
		}
		if portName == "" {
			t.Errorf("%s: no container port %s (monitoring.metrics_addr)", where, port)
		}
		for name, p := range map[string]*k8sProbe{"liveness": c.LivenessProbe, "readiness": c.ReadinessProbe, "startup": c.StartupProbe} {
			if p == nil || p.HTTPGet == nil {
				t.Errorf("%s: no HTTP %s probe", where, name)
				continue
			}
			if !slices.Contains(paths, p.HTTPGet.Path) {
				t.Errorf("%s: %s probe on %s, which the binary does not serve (it serves %v)", where, name, p.HTTPGet.Path, paths)
			}
			if p.HTTPGet.Port != portName {
				t.Errorf("%s: %s probe on port %q, want %q", where, name, p.HTTPGet.Port, portName)
			}
		}
		if a := w.Spec.Template.Metadata.Annotations; a["prometheus.io/scrape"] != "true" || a["prometheus.io/port"] != port || a["prometheus.io/path"] != "/metrics" {
			t.Errorf("%s: pod scrape annotations %v, want scrape, port %s and /metrics", where, a, port)
		}
		if c.Resources.Requests["cpu"] == "" || c.Resources.Requests["memory"] == "" || c.Resources.Limits["memory"] == "" {
			t.Errorf("%s: resources need cpu and memory requests and a memory limit", where)
		}
		if sc := c.SecurityContext; sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation || !sc.ReadOnlyRootFilesystem {
			t.Errorf("%s: want allowPrivilegeEscalation false and a read-only root filesystem", where)
		}

		// State: commands that use state.dir get a volume per replica.
		if command == "cdc" || command == "stage" {
			if w.Kind != "StatefulSet" || len(w.Spec.VolumeClaimTemplates) == 0 {
				t.Errorf("%s: %s keeps state in state.dir: it needs a StatefulSet with a volumeClaimTemplate per replica", where, command)
			} else {
				dir := tomlString(t, toml, "state", "dir")
				claim := w.Spec.VolumeClaimTemplates[0].Metadata.Name
				if !slices.ContainsFunc(c.VolumeMounts, func(m struct {
					Name      string `yaml:"name"`
					MountPath string `yaml:"mountPath"`
				}) bool {
					return m.Name == claim && m.MountPath == dir
				}) {
					t.Errorf("%s: state.dir %q is not the mount of claim %q", where, dir, claim)
				}
			}
		}
		if command == "cdc" {
			sawCDC = true
			if w.Spec.Replicas == nil || *w.Spec.Replicas != 1 {
				t.Errorf("%s: cdc must run exactly one replica (one slot, one reader)", where)
			}
		}

		// A Service with scrape annotations and a PDB select the pods.
		sel := w.Spec.Selector.MatchLabels
		if !labelsMatch(sel, w.Spec.Template.Metadata.Labels) {
			t.Errorf("%s: selector %v does not match the pod labels", where, sel)
		}
		if !slices.ContainsFunc(byKind("PodDisruptionBudget"), func(o k8sObject) bool {
			return o.Spec.MaxUnavailable != nil && labelsMatch(o.Spec.Selector.MatchLabels, w.Spec.Template.Metadata.Labels)
		}) {
			t.Errorf("%s: no PodDisruptionBudget selects its pods", where)
		}
		if !slices.ContainsFunc(byKind("Service"), func(o k8sObject) bool {
			return labelsMatch(o.Spec.Selector.MatchLabels, w.Spec.Template.Metadata.Labels) &&
				o.Metadata.Annotations["prometheus.io/scrape"] == "true" && o.Metadata.Annotations["prometheus.io/port"] == port
		}) {
			t.Errorf("%s: no Service with prometheus.io annotations selects its pods", where)
		}
	}
	if !sawCDC {
		t.Error("no cdc workload")
	}

	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Log("kubectl is not installed: `kubectl kustomize` not run")
		return
	}
	var stderr bytes.Buffer
	cmd := exec.Command(kubectl, "kustomize", "kubernetes")
	cmd.Stderr = &stderr
	if out, err := cmd.Output(); err != nil || !bytes.Contains(out, []byte("kind: StatefulSet")) {
		t.Errorf("kubectl kustomize kubernetes: %v\n%s", err, stderr.String())
	}
}

// labelsMatch tells whether selector (a Service's selector is a plain map,
// read here into MatchLabels' place) selects labels.
func labelsMatch(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// UnmarshalYAML lets a Service's plain selector map fill MatchLabels.
func (s *k8sSpec) UnmarshalYAML(n *yaml.Node) error {
	type plain k8sSpec
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	var raw struct {
		Selector    map[string]any `yaml:"selector"`
		ServiceName string         `yaml:"serviceName"`
	}
	if err := n.Decode(&raw); err != nil {
		return err
	}
	if _, ok := raw.Selector["matchLabels"]; !ok && len(raw.Selector) > 0 {
		p.Selector.MatchLabels = map[string]string{}
		for k, v := range raw.Selector {
			if sv, ok := v.(string); ok {
				p.Selector.MatchLabels[k] = sv
			}
		}
	}
	p.ServiceName = raw.ServiceName
	*s = k8sSpec(p)
	return nil
}
