"""How long `kubectl svcdebug` takes on a Service with N endpoints, probes included.

    python benchmarks/bench_svcdebug.py [--endpoints 100] [--timeout 1] [--runs 3]

Generates a scenario (one Deployment with N replicas behind one Service, plus a client pod),
starts the simulated cluster (needs root, iproute2, iptables, dnsmasq), runs the real CLI as a
subprocess against it and prints wall-clock seconds per run and probe counts.

Like an installed copy, the CLI runs with compiled bytecode: PYTHONDONTWRITEBYTECODE is dropped and
the cache goes to a temporary PYTHONPYCACHEPREFIX, filled by one warm-up run that is not counted
(`--cold` keeps this environment's no-bytecode setting instead).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

SCENARIO = """\
apiVersion: v1
kind: Node
metadata: {{name: node-1}}
spec: {{podCIDR: 10.244.0.0/23}}
---
apiVersion: v1
kind: Namespace
metadata: {{name: kube-system}}
---
apiVersion: v1
kind: Service
metadata: {{name: kube-dns, namespace: kube-system}}
spec:
  clusterIP: 10.96.0.10
  selector: {{k8s-app: kube-dns}}
  ports:
  - {{name: dns, port: 53, protocol: UDP}}
  - {{name: dns-tcp, port: 53, protocol: TCP}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: coredns, namespace: kube-system}}
spec:
  replicas: 1
  selector: {{matchLabels: {{k8s-app: kube-dns}}}}
  template:
    metadata: {{labels: {{k8s-app: kube-dns}}}}
    spec:
      containers:
      - {{name: coredns, image: coredns:1.11, ports: [{{containerPort: 53, protocol: UDP}}, {{containerPort: 53, protocol: TCP}}]}}
---
apiVersion: v1
kind: Namespace
metadata: {{name: bench}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: bench}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
      - {{name: web, image: nginx:1.27, ports: [{{name: http, containerPort: 8080}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: web, namespace: bench}}
spec:
  selector: {{app: web}}
  ports:
  - {{name: http, port: 80, targetPort: http}}
---
apiVersion: v1
kind: Pod
metadata: {{name: client, namespace: bench, labels: {{app: client}}}}
spec:
  containers: [{{name: client, image: busybox:1.36}}]
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="no bytecode cache: every run compiles the sources")
    args = parser.parse_args()
    from tests.sim.cluster import SimCluster

    with tempfile.TemporaryDirectory(prefix="bench-svcdebug-") as workdir:
        with open(os.path.join(workdir, "scenario.yaml"), "w", encoding="utf-8") as out:
            out.write(SCENARIO.format(replicas=args.endpoints))
        env = dict(os.environ)
        if not args.cold:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = os.path.join(workdir, "pycache")
        sim = SimCluster.start(workdir, name=f"bsvc{os.getpid()}")
        try:
            if not args.cold:
                timed(sim.kubeconfig, args.timeout, env)  # warm-up: writes the bytecode cache
            for run in range(1, args.runs + 1):
                report(run, *timed(sim.kubeconfig, args.timeout, env))
        finally:
            sim.stop()


def timed(kubeconfig: str, timeout: float, env: dict) -> tuple[float, dict]:
    argv = [sys.executable, os.path.join(ROOT, "kubectl-svcdebug"), "web", "-n", "bench", "--kubeconfig", kubeconfig,
            "--timeout", str(timeout), "-o", "json"]
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"svcdebug failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed, json.loads(done.stdout)


def report(run: int, elapsed: float, result: dict) -> None:
    probes = result["probes"]
    connected = sum(1 for p in probes if p["outcome"] in ("connected", "resolved", "read", "listening"))
    print(f"run {run}: {elapsed:.2f} s  endpoints {result['endpoints'].get('ready')}/{result['endpoints'].get('total')}"
          f"  probes {len(probes)} ({connected} succeeded)  verdict {result['verdict']}")


if __name__ == "__main__":
    main()
