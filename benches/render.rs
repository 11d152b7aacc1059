//! Render benchmark: `kubectl-release render -k` against a real `kustomize build`
//! (v5.5.0) on synthetic GitOps repos of several sizes, side by side in one run.
//!
//! For each size it generates a repo (one environment that includes the prod
//! overlay of every service), runs both renderers as subprocesses N times
//! (kubectl-release at least five),
//! takes the median wall time and the peak RSS of each child (`wait4`), and
//! checks that both stdouts are byte-identical: a difference is a renderer bug,
//! reported with the first differing line, and the bench fails.
//!
//! Usage: `cargo bench --bench render [-- SIZE...] [--runs N] [--keep] [--generate-only DIR]`
//! (or `scripts/bench.sh`). Cargo builds the `kubectl-release` binary with the
//! bench profile (which inherits `release`) into `target/release/` before running
//! this, and hands its path over as `CARGO_BIN_EXE_kubectl-release`.
//!
//! Environment:
//! - `KUSTOMIZE`: a kustomize binary to use instead of the cached v5.5.0 one
//!   (`$HOME/.cache/kubectl-release/tools/bin/kustomize`, `go install`ed when missing).
//! - `BENCH_SMP_LISTS=0`: keep the per-service strategic-merge patch to maps only
//!   (by default it also merges into the `containers` list by name; see `deployment_patch`).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const KUSTOMIZE_VERSION: &str = "v5.5.0";
const KUSTOMIZE_MODULE: &str = "sigs.k8s.io/kustomize/kustomize/v5";
const DEFAULT_SIZES: &[usize] = &[200, 2_000, 10_000];

fn main() {
    let opts = Options::from_args();
    if let Some(dir) = &opts.generate_only {
        // For profiling: write the repos and stop.
        for &size in &opts.sizes {
            let repo = dir.join(format!("repo-{size}"));
            let g = generate_repo(&repo, size, opts.smp_lists);
            println!(
                "{}/envs/prod: {} services, {} files",
                repo.display(),
                g.services,
                g.files
            );
        }
        return;
    }
    let ours = PathBuf::from(env!("CARGO_BIN_EXE_kubectl-release"));
    let kustomize = ensure_kustomize();
    println!("kubectl-release: {}", ours.display());
    println!(
        "kustomize:       {} ({KUSTOMIZE_VERSION})",
        kustomize.display()
    );

    let work = tempfile::Builder::new()
        .prefix("kubectl-release-bench-")
        .tempdir()
        .expect("create a temp dir");
    let mut rows = Vec::new();
    for &size in &opts.sizes {
        let repo = work.path().join(format!("repo-{size}"));
        let t = Instant::now();
        let generated = generate_repo(&repo, size, opts.smp_lists);
        println!(
            "\n== {size} resources: {} services, {} files generated in {:.1}s",
            generated.services,
            generated.files,
            t.elapsed().as_secs_f64()
        );
        let env = repo.join("envs/prod");
        let runs = opts.runs.unwrap_or(if size >= 10_000 { 3 } else { 5 });

        // One untimed run of each first: its output is the one compared, and it
        // warms the page cache for both.
        let out_ours = work.path().join(format!("ours-{size}.yaml"));
        let out_kust = work.path().join(format!("kustomize-{size}.yaml"));
        run_measured(&ours, &["render", "-k"], &env, &out_ours);
        run_measured(&kustomize, &["build"], &env, &out_kust);
        let count = compare_outputs(&out_ours, &out_kust, size);

        let mut ours_t = Vec::new();
        let mut kust_t = Vec::new();
        let mut ours_cpu = Vec::new();
        let mut kust_cpu = Vec::new();
        let mut ours_rss = 0u64;
        let mut kust_rss = 0u64;
        // kubectl-release runs at least five times (it is cheap): its median then
        // does not hang on one run that met a page cache emptied by the kustomize run.
        let ours_runs = runs.max(5);
        for i in 0..ours_runs {
            let a = run_measured(&ours, &["render", "-k"], &env, &out_ours);
            let line = format!(
                "  run {}/{ours_runs}: kubectl-release {:>8.1} ms (cpu {:>8.1}) {:>7} KiB",
                i + 1,
                ms(a.wall),
                ms(a.cpu),
                a.max_rss_kib
            );
            ours_t.push(a.wall);
            ours_cpu.push(a.cpu);
            ours_rss = ours_rss.max(a.max_rss_kib);
            if i >= runs {
                println!("{line}");
                continue;
            }
            let b = run_measured(&kustomize, &["build"], &env, &out_kust);
            println!(
                "{line} | kustomize {:>9.1} ms (cpu {:>9.1}) {:>8} KiB",
                ms(b.wall),
                ms(b.cpu),
                b.max_rss_kib
            );
            kust_t.push(b.wall);
            kust_cpu.push(b.cpu);
            kust_rss = kust_rss.max(b.max_rss_kib);
        }
        rows.push(Row {
            size,
            resources: count,
            ours: median(&mut ours_t),
            kust: median(&mut kust_t),
            ours_cpu: median(&mut ours_cpu),
            kust_cpu: median(&mut kust_cpu),
            ours_rss,
            kust_rss,
        });
    }

    print_table(&rows);
    if opts.keep {
        let kept = work.keep();
        println!("\nrepos and outputs kept in {}", kept.display());
    }
}

struct Options {
    sizes: Vec<usize>,
    runs: Option<usize>,
    keep: bool,
    smp_lists: bool,
    generate_only: Option<PathBuf>,
}

impl Options {
    fn from_args() -> Self {
        let mut sizes = Vec::new();
        let mut runs = None;
        let mut keep = false;
        let mut generate_only = None;
        let mut args = std::env::args().skip(1);
        while let Some(a) = args.next() {
            match a.as_str() {
                // cargo bench passes --bench to harness = false targets.
                "--bench" => {}
                "--keep" => keep = true,
                "--generate-only" => {
                    generate_only = Some(PathBuf::from(
                        args.next().expect("--generate-only takes a directory"),
                    ))
                }
                "--runs" => {
                    runs = Some(
                        args.next()
                            .and_then(|n| n.parse().ok())
                            .expect("--runs takes a number"),
                    )
                }
                s => match s.replace(['_', ','], "").parse() {
                    Ok(n) => sizes.push(n),
                    Err(_) => {
                        panic!(
                            "unknown argument {s:?}; usage: [SIZE...] [--runs N] [--keep] [--generate-only DIR]"
                        )
                    }
                },
            }
        }
        if sizes.is_empty() {
            sizes = DEFAULT_SIZES.to_vec();
        }
        let smp_lists = std::env::var("BENCH_SMP_LISTS").map_or(true, |v| v != "0");
        Options {
            sizes,
            runs,
            keep,
            smp_lists,
            generate_only,
        }
    }
}

// ---------------------------------------------------------------------------
// kustomize

/// Returns a kustomize v5.5.0 binary, installing it with `go install` when the
/// cached one is missing or another version.
fn ensure_kustomize() -> PathBuf {
    if let Some(k) = std::env::var_os("KUSTOMIZE") {
        return PathBuf::from(k);
    }
    let home = std::env::var_os("HOME").expect("HOME is set");
    let bin_dir = Path::new(&home).join(".cache/kubectl-release/tools/bin");
    let bin = bin_dir.join("kustomize");
    if kustomize_version(&bin).as_deref() == Some(KUSTOMIZE_VERSION) {
        return bin;
    }
    println!(
        "installing kustomize {KUSTOMIZE_VERSION} into {}",
        bin_dir.display()
    );
    fs::create_dir_all(&bin_dir).expect("create the tools dir");
    let status = Command::new("go")
        .args([
            "install",
            &format!("{KUSTOMIZE_MODULE}@{KUSTOMIZE_VERSION}"),
        ])
        .env("GOBIN", &bin_dir)
        .status()
        .expect("run `go install` (is Go installed?)");
    assert!(status.success(), "go install {KUSTOMIZE_MODULE} failed");
    assert_eq!(
        kustomize_version(&bin).as_deref(),
        Some(KUSTOMIZE_VERSION),
        "installed kustomize has an unexpected version"
    );
    bin
}

/// The module version recorded in a Go binary (`kustomize version` prints
/// `(devel)` for a `go install`ed build, so ask `go version -m`).
fn kustomize_version(bin: &Path) -> Option<String> {
    if !bin.is_file() {
        return None;
    }
    let out = Command::new("go")
        .arg("version")
        .arg("-m")
        .arg(bin)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().find_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        (f.len() >= 3 && f[0] == "mod" && f[1] == KUSTOMIZE_MODULE).then(|| f[2].to_string())
    })
}

// ---------------------------------------------------------------------------
// running and measuring

struct Measured {
    wall: Duration,
    /// User + system CPU time of the child: unlike wall time, barely moved by
    /// other load on the machine.
    cpu: Duration,
    max_rss_kib: u64,
}

/// Runs `bin ARGS DIR` with stdout to `out`, waits for it with `wait4` and
/// returns its wall time and peak RSS. Panics on a non-zero exit.
fn run_measured(bin: &Path, args: &[&str], dir: &Path, out: &Path) -> Measured {
    let stdout = fs::File::create(out).expect("create the output file");
    let start = Instant::now();
    let child = Command::new(bin)
        .args(args)
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {}: {e}", bin.display()));
    let pid = child.id() as libc::pid_t;
    // Read stderr on a thread so a chatty child cannot block on a full pipe.
    let mut child = child;
    let mut stderr = child.stderr.take().expect("piped stderr");
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut s).ok();
        s
    });
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value, and wait4 only writes to the
    // two out-pointers, which point to live locals.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = loop {
        // SAFETY: see above; `pid` is our own, not yet reaped child.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == -1 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        break r;
    };
    let wall = start.elapsed();
    assert_eq!(r, pid, "wait4: {}", std::io::Error::last_os_error());
    // The child is reaped; `Child` does not wait on drop, so nothing else will.
    drop(child);
    let err = err_reader.join().unwrap_or_default();
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    assert!(
        ok,
        "{} {} {} failed (wait status {status}):\n{err}",
        bin.display(),
        args.join(" "),
        dir.display()
    );
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Measured {
        wall,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        // Linux reports ru_maxrss in KiB.
        max_rss_kib: usage.ru_maxrss as u64,
    }
}

/// Checks both outputs are byte-identical; panics with the first differing
/// line otherwise. Returns the number of documents.
fn compare_outputs(ours: &Path, kust: &Path, size: usize) -> usize {
    let a = fs::read(ours).expect("read our output");
    let b = fs::read(kust).expect("read kustomize's output");
    let docs = b.split(|&c| c == b'\n').filter(|l| *l == b"---").count() + 1;
    if a == b {
        println!("outputs identical: {docs} documents, {} bytes", b.len());
        return docs;
    }
    let a = String::from_utf8_lossy(&a);
    let b = String::from_utf8_lossy(&b);
    let (al, bl): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let i = (0..al.len().max(bl.len()))
        .find(|&i| al.get(i) != bl.get(i))
        .unwrap_or(al.len().min(bl.len()));
    // The document the difference is in, for context.
    let start = bl[..i.min(bl.len())]
        .iter()
        .rposition(|l| *l == "---")
        .map_or(0, |p| p + 1);
    let mut msg = String::new();
    let _ = writeln!(
        msg,
        "RENDERER BUG: outputs differ at size {size}, line {} \
         (kubectl-release {} lines / {} bytes, kustomize {} lines / {} bytes)",
        i + 1,
        al.len(),
        a.len(),
        bl.len(),
        b.len()
    );
    let _ = writeln!(
        msg,
        "  kubectl-release: {:?}",
        al.get(i).copied().unwrap_or("<end of output>")
    );
    let _ = writeln!(
        msg,
        "  kustomize:       {:?}",
        bl.get(i).copied().unwrap_or("<end of output>")
    );
    let _ = writeln!(
        msg,
        "kustomize's document up to there (from line {}):",
        start + 1
    );
    for l in &bl[start..(i + 3).min(bl.len())] {
        let _ = writeln!(msg, "  | {l}");
    }
    let _ = writeln!(
        msg,
        "full outputs: {} and {}",
        ours.display(),
        kust.display()
    );
    // Keep the files for inspection.
    let keep = std::env::temp_dir().join(format!("kubectl-release-bench-diff-{size}"));
    let _ = fs::create_dir_all(&keep);
    let _ = fs::copy(ours, keep.join("kubectl-release.yaml"));
    let _ = fs::copy(kust, keep.join("kustomize.yaml"));
    let _ = writeln!(msg, "copied to {}", keep.display());
    eprintln!("{msg}");
    std::process::exit(1);
}

fn yes(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

// ---------------------------------------------------------------------------
// reporting

struct Row {
    size: usize,
    resources: usize,
    ours: Duration,
    kust: Duration,
    ours_cpu: Duration,
    kust_cpu: Duration,
    ours_rss: u64,
    kust_rss: u64,
}

fn print_table(rows: &[Row]) {
    let ratio = |k: Duration, o: Duration| k.as_secs_f64() / o.as_secs_f64();
    println!(
        "\n{:>6} {:>9} | {:>10} {:>10} {:>7} | {:>10} {:>10} {:>7} | {:>9} {:>9} {:>6}",
        "size",
        "resources",
        "k-rel ms",
        "kust ms",
        "speed",
        "k-rel cpu",
        "kust cpu",
        "cpu",
        "k-rel RSS",
        "kust RSS",
        "mem"
    );
    println!("{}", "-".repeat(114));
    for r in rows {
        println!(
            "{:>6} {:>9} | {:>10.1} {:>10.1} {:>6.1}x | {:>10.1} {:>10.1} {:>6.1}x | {:>5.1} MiB {:>5.1} MiB {:>5.1}x",
            r.size,
            r.resources,
            ms(r.ours),
            ms(r.kust),
            ratio(r.kust, r.ours),
            ms(r.ours_cpu),
            ms(r.kust_cpu),
            ratio(r.kust_cpu, r.ours_cpu),
            r.ours_rss as f64 / 1024.0,
            r.kust_rss as f64 / 1024.0,
            r.kust_rss as f64 / r.ours_rss as f64
        );
    }
    println!(
        "(ms: median wall time; cpu: median user+sys ms; RSS: peak over the runs; \
         speed/cpu/mem: kustomize ÷ kubectl-release)"
    );
    println!("\ntargets:");
    for r in rows {
        let mem = r.kust_rss as f64 / r.ours_rss as f64;
        let mut checks = vec![format!(
            "peak memory at most 1/4 of kustomize's: {} ({mem:.1}x less)",
            yes(mem >= 4.0)
        )];
        if r.size == 2_000 {
            let speed = ratio(r.kust, r.ours);
            checks.push(format!(
                "at least 20x faster: {} ({speed:.1}x)",
                yes(speed >= 20.0)
            ));
        }
        if r.size == 10_000 {
            checks.push(format!(
                "under 1 s: {} ({:.0} ms)",
                yes(r.ours < Duration::from_secs(1)),
                ms(r.ours)
            ));
        }
        println!("  {:>6} resources: {}", r.size, checks.join("; "));
    }
    let per = |d: Duration, n: usize| d.as_secs_f64() * 1e6 / n as f64;
    let line = |name: &str, f: &dyn Fn(&Row) -> Duration| {
        let parts: Vec<String> = rows
            .iter()
            .map(|r| format!("{} → {:.1} µs", r.resources, per(f(r), r.resources)))
            .collect();
        println!("  {name:<22} {}", parts.join(", "));
    };
    println!("\nrender time per resource (flat = linear growth):");
    line("kubectl-release wall:", &|r| r.ours);
    line("kubectl-release cpu:", &|r| r.ours_cpu);
    line("kustomize wall:", &|r| r.kust);
    line("kustomize cpu:", &|r| r.kust_cpu);
}

// ---------------------------------------------------------------------------
// the synthetic GitOps repo

struct Generated {
    services: usize,
    files: usize,
}

const TEAMS: &[&str] = &[
    "checkout",
    "payments",
    "catalog",
    "search",
    "identity",
    "shipping",
    "inventory",
    "pricing",
    "notifications",
    "analytics",
    "reviews",
    "loyalty",
];
const ROLES: &[&str] = &["api", "worker", "gateway", "consumer", "scheduler", "web"];
/// Documents per service: Deployment, Service, ServiceAccount, HPA or PDB,
/// generated ConfigMap, generated Secret.
const DOCS_PER_SERVICE: usize = 6;

/// Writes a platform team's GitOps repo with about `size` resources in the
/// `envs/prod` environment:
///
/// ```text
/// components/observability/     shared Component: SMP with a target, labels
/// services/<name>/base/         Deployment, Service, ServiceAccount, HPA|PDB, configMapGenerator
/// services/<name>/overlays/dev  namePrefix, namespace, labels, images, replicas, patches, secretGenerator
/// services/<name>/overlays/prod the same with commonLabels, commonAnnotations, a JSON 6902 patch
/// envs/prod/                    namespaces + every service's prod overlay
/// ```
fn generate_repo(root: &Path, size: usize, smp_lists: bool) -> Generated {
    let teams = TEAMS.len().min(size / DOCS_PER_SERVICE).max(1);
    let services = (size.saturating_sub(teams) / DOCS_PER_SERVICE).max(1);
    let mut w = Writer {
        root: root.to_path_buf(),
        files: 0,
    };

    w.file(
        "components/observability/kustomization.yaml",
        r#"apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
labels:
- pairs:
    observability.example.com/enabled: "true"
patches:
- target:
    kind: Deployment
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: any
    spec:
      template:
        metadata:
          annotations:
            prometheus.io/scrape: "true"
            prometheus.io/port: "9090"
            prometheus.io/path: /metrics
"#,
    );

    let mut env = String::from(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n\
         commonAnnotations:\n  platform.example.com/environment: prod\n\
         resources:\n- namespaces.yaml\n",
    );
    let mut namespaces = String::new();
    for team in &TEAMS[..teams] {
        let _ = write!(
            namespaces,
            "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-{team}\n  labels:\n    team: {team}\n"
        );
    }
    for i in 0..services {
        let team = TEAMS[i % teams];
        let role = ROLES[(i / teams) % ROLES.len()];
        let name = format!("{team}-{role}-{i:05}");
        service(&mut w, &name, team, i, smp_lists);
        let _ = writeln!(env, "- ../../services/{name}/overlays/prod");
    }
    w.file("envs/prod/namespaces.yaml", &namespaces);
    w.file("envs/prod/kustomization.yaml", &env);
    Generated {
        services,
        files: w.files,
    }
}

struct Writer {
    root: PathBuf,
    files: usize,
}

impl Writer {
    fn file(&mut self, rel: &str, contents: &str) {
        let p = self.root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).expect("create dirs");
        fs::write(&p, contents).expect("write file");
        self.files += 1;
    }
}

fn service(w: &mut Writer, name: &str, team: &str, i: usize, smp_lists: bool) {
    let base = format!("services/{name}/base");
    let port = 8080 + (i % 10);
    let image = format!("registry.example.com/{team}/{name}");
    // Every other service autoscales; the rest have a disruption budget.
    let scaler = if i.is_multiple_of(2) {
        "hpa.yaml"
    } else {
        "pdb.yaml"
    };

    w.file(
        &format!("{base}/kustomization.yaml"),
        &format!(
            r#"apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
labels:
- pairs:
    app.kubernetes.io/name: {name}
    app.kubernetes.io/part-of: {team}
  includeSelectors: true
resources:
- deployment.yaml
- service.yaml
- serviceaccount.yaml
- {scaler}
configMapGenerator:
- name: {name}-config
  files:
  - config/application.properties
  literals:
  - LOG_LEVEL=info
  - SERVICE_NAME={name}
  - HTTP_PORT="{port}"
"#
        ),
    );
    w.file(
        &format!("{base}/config/application.properties"),
        &format!(
            "server.port={port}\nspring.application.name={name}\n\
             management.endpoints.web.exposure.include=health,info,prometheus\n\
             {team}.feature.fast-path=true\n{team}.cache.ttl-seconds={}\n",
            60 + i % 240
        ),
    );
    w.file(
        &format!("{base}/deployment.yaml"),
        &format!(
            r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels:
    app: {name}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      serviceAccountName: {name}
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
      containers:
      - name: app
        image: {image}:latest
        args: ["--config", "/etc/app/application.properties"]
        ports:
        - name: http
          containerPort: {port}
        - name: metrics
          containerPort: 9090
        envFrom:
        - configMapRef:
            name: {name}-config
        env:
        - name: DB_PASSWORD
          valueFrom:
            secretKeyRef:
              name: {name}-secrets
              key: DB_PASSWORD
        - name: POD_NAMESPACE
          valueFrom:
            fieldRef:
              fieldPath: metadata.namespace
        readinessProbe:
          httpGet:
            path: /healthz
            port: http
          periodSeconds: 10
        livenessProbe:
          httpGet:
            path: /livez
            port: http
          initialDelaySeconds: 15
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
        volumeMounts:
        - name: config
          mountPath: /etc/app
          readOnly: true
      volumes:
      - name: config
        configMap:
          name: {name}-config
"#
        ),
    );
    w.file(
        &format!("{base}/service.yaml"),
        &format!(
            r#"apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  type: ClusterIP
  selector:
    app: {name}
  ports:
  - name: http
    port: 80
    targetPort: http
  - name: metrics
    port: 9090
    targetPort: metrics
"#
        ),
    );
    w.file(
        &format!("{base}/serviceaccount.yaml"),
        &format!(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {name}\n  annotations:\n    \
             iam.example.com/role: arn:example:iam::{team}:role/{name}\n"
        ),
    );
    if i.is_multiple_of(2) {
        w.file(
            &format!("{base}/hpa.yaml"),
            &format!(
                r#"apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {name}
  minReplicas: 2
  maxReplicas: {}
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 70
"#,
                4 + i % 20
            ),
        );
    } else {
        w.file(
            &format!("{base}/pdb.yaml"),
            &format!(
                r#"apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {name}
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: {name}
"#
            ),
        );
    }

    for env in ["dev", "prod"] {
        overlay(w, name, team, i, env, &image, smp_lists);
    }
}

fn overlay(
    w: &mut Writer,
    name: &str,
    team: &str,
    i: usize,
    env: &str,
    image: &str,
    smp_lists: bool,
) {
    let dir = format!("services/{name}/overlays/{env}");
    let prod = env == "prod";
    let (replicas, tag, cpu, mem) = if prod {
        (2 + i % 4, format!("1.{}.{}", i % 17, i % 53), "1", "1Gi")
    } else {
        (
            1,
            format!("0.{}.0-dev.{}", i % 17, i % 997),
            "500m",
            "512Mi",
        )
    };
    let labels = if prod {
        // Prod still uses the older commonLabels (selectors included).
        "commonLabels:\n  environment: prod\n".to_string()
    } else {
        "labels:\n- pairs:\n    environment: dev\n".to_string()
    };
    let annotations = if prod {
        format!(
            "commonAnnotations:\n  team.example.com/owner: {team}\n  \
             team.example.com/oncall: {team}-oncall@example.com\n"
        )
    } else {
        String::new()
    };
    let json_patch = if prod {
        format!(
            "- path: deployment-json6902.yaml\n  target:\n    group: apps\n    version: v1\n    kind: Deployment\n    name: {name}\n"
        )
    } else {
        String::new()
    };
    w.file(
        &format!("{dir}/kustomization.yaml"),
        &format!(
            r#"apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: team-{team}
namePrefix: {env}-
{labels}{annotations}resources:
- ../../base
components:
- ../../../../components/observability
images:
- name: {image}
  newTag: "{tag}"
replicas:
- name: {name}
  count: {replicas}
patches:
- path: deployment-patch.yaml
{json_patch}secretGenerator:
- name: {name}-secrets
  envs:
  - secrets.env
  type: Opaque
"#
        ),
    );
    w.file(
        &format!("{dir}/deployment-patch.yaml"),
        &deployment_patch(name, cpu, mem, smp_lists),
    );
    w.file(
        &format!("{dir}/secrets.env"),
        &format!(
            "DB_PASSWORD={env}-{}-{:08x}\nAPI_TOKEN=tok-{:016x}\n",
            name,
            i.wrapping_mul(2_654_435_761) as u32,
            (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ),
    );
    if prod {
        w.file(
            &format!("{dir}/deployment-json6902.yaml"),
            r#"- op: add
  path: /spec/template/spec/containers/0/env/-
  value:
    name: JAVA_TOOL_OPTIONS
    value: -XX:MaxRAMPercentage=75
- op: replace
  path: /spec/template/spec/containers/0/readinessProbe/periodSeconds
  value: 5
- op: add
  path: /spec/revisionHistoryLimit
  value: 5
"#,
        );
    }
}

/// The per-overlay strategic-merge patch. What a platform repo would really
/// write merges resource limits into the `app` container by name; with
/// `smp_lists` off (the default) the patch only touches maps (strategy,
/// pod-template annotations, topology-free scheduling fields), because
/// `src/render/smp.rs` is still a stub that replaces lists wholesale.
fn deployment_patch(name: &str, cpu: &str, mem: &str, smp_lists: bool) -> String {
    let mut p = format!(
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  template:
    metadata:
      annotations:
        example.com/resources: cpu={cpu},memory={mem}
    spec:
      terminationGracePeriodSeconds: 45
"#
    );
    if smp_lists {
        let _ = write!(
            p,
            r#"      containers:
      - name: app
        resources:
          limits:
            cpu: "{cpu}"
            memory: {mem}
"#
        );
    }
    p
}
