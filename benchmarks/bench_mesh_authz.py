"""Benchmark the mesh authorization evaluators on a generated mesh (fixed seed).

    python benchmarks/bench_mesh_authz.py [--policies 2000] [--pods 500] [--repeat 5]

Istio: POLICIES AuthorizationPolicies spread over 10 namespaces (ALLOW by principal/namespace/ports, a
few DENY, a mesh-wide one in istio-system), PODS meshed pods; every pod is judged as a destination for one
client through diagnose/mesh_authz.decide, the call netpath and svcdebug make per destination pod (the
median and worst per-destination time, and the total). Linkerd: a Server and an AuthorizationPolicy with
a MeshTLSAuthentication per pod, the same pods.
"""
import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]

from netdebug.diagnose.mesh_authz import decide  # noqa: E402
from netdebug.model.snapshot import Snapshot  # noqa: E402
from netdebug.policy.mesh_match import MeshClient  # noqa: E402

NAMESPACES = [f"ns{i}" for i in range(10)]


def pods(count: int, rng: random.Random, sidecar: str) -> list[dict]:
    return [{"kind": "Pod", "metadata": {"name": f"p{i}", "namespace": rng.choice(NAMESPACES),
                                         "labels": {"app": f"app{i % 50}"}},
             "spec": {"serviceAccountName": f"sa{i % 20}", "containers": [
                 {"name": "app", "ports": [{"name": "http", "containerPort": 8080}]}, {"name": sidecar}]},
             "status": {"podIP": f"10.{i // 65536}.{i // 256 % 256}.{i % 256}"}} for i in range(count)]


def istio_policies(count: int, rng: random.Random) -> list[dict]:
    found = []
    for i in range(count):
        source = rng.choice([{"principals": [f"cluster.local/ns/{rng.choice(NAMESPACES)}/sa/sa{rng.randrange(20)}"]},
                             {"namespaces": [rng.choice(NAMESPACES)]}, {"ipBlocks": ["10.0.0.0/16"]}])
        spec = {"selector": {"matchLabels": {"app": f"app{rng.randrange(50)}"}}, "action": "DENY" if i % 10 == 0 else
                "ALLOW", "rules": [{"from": [{"source": source}], "to": [{"operation": {"ports": ["8080"]}}]}]}
        found.append({"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy",
                      "metadata": {"name": f"ap{i}", "namespace": rng.choice(NAMESPACES)}, "spec": spec})
    found.append({"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy",
                  "metadata": {"name": "mesh-wide", "namespace": "istio-system"},
                  "spec": {"action": "DENY", "rules": [{"from": [{"source": {"notNamespaces": NAMESPACES}}]}]}})
    return found


def linkerd_objects(destinations: list[dict]) -> list[dict]:
    found = []
    for pod in destinations:
        ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
        meta = {"namespace": ns}
        found += [{"apiVersion": "policy.linkerd.io/v1beta3", "kind": "Server", "metadata": {"name": name, **meta},
                   "spec": {"podSelector": {"matchLabels": pod["metadata"]["labels"]}, "port": "http"}},
                  {"apiVersion": "policy.linkerd.io/v1alpha1", "kind": "MeshTLSAuthentication",
                   "metadata": {"name": name, **meta}, "spec": {"identityRefs": [{"kind": "ServiceAccount", "name": "sa1"}]}},
                  {"apiVersion": "policy.linkerd.io/v1alpha1", "kind": "AuthorizationPolicy",
                   "metadata": {"name": name, **meta}, "spec": {
                       "targetRef": {"group": "policy.linkerd.io", "kind": "Server", "name": name},
                       "requiredAuthenticationRefs": [{"kind": "MeshTLSAuthentication", "name": name}]}}]
    return found


def measure(label: str, judge, destinations: list[dict], repeat: int) -> None:
    runs, outcomes = [], {}
    for _ in range(repeat):
        times = []
        for pod in destinations:
            start = time.perf_counter()
            decision = judge(pod)
            times.append(time.perf_counter() - start)
            outcome = decision.outcome if decision else "no policy"
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        runs.append(times)
    totals = [sum(t) for t in runs]
    each = [t for times in runs for t in times]
    print(f"{label}: {len(destinations)} destinations, total median {statistics.median(totals) * 1000:.1f} ms, "
          f"per destination median {statistics.median(each) * 1e6:.0f} us, max {max(each) * 1e6:.0f} us; "
          f"outcomes {dict(sorted((k, v // repeat) for k, v in outcomes.items()))}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--policies", type=int, default=2000)
    parser.add_argument("--pods", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(20261203)
    meshed = pods(args.pods, rng, "istio-proxy")
    policies = istio_policies(args.policies, rng)
    client = MeshClient("ns0/client", "10.0.0.9", "ns0", "sa1", "Istio")
    istio = snapshot_of(meshed + policies)
    measure(f"Istio, {len(policies)} AuthorizationPolicies", lambda pod: decide(istio, pod, 8080, client), meshed,
            args.repeat)
    linkerd_pods = pods(args.pods, rng, "linkerd-proxy")
    linkerd = snapshot_of(linkerd_pods + linkerd_objects(linkerd_pods))
    linkerd_client = MeshClient("ns0/client", "10.0.0.9", "ns0", "sa1", "Linkerd")
    measure(f"Linkerd, {args.pods} Servers + policies", lambda pod: decide(linkerd, pod, 8080, linkerd_client),
            linkerd_pods, args.repeat)


def snapshot_of(objects: list[dict]) -> Snapshot:
    snapshot = Snapshot(origin="files")
    for obj in objects:
        snapshot.add(obj)
    return snapshot


if __name__ == "__main__":
    main()
