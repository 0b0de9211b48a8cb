#!/usr/bin/env python3
"""The least any plugin built on the official kubernetes client can do: load the kubeconfig and send one
GET (`kubectl get pods -n NS`'s request), nothing else: no click, no netdebug logic.

    python benchmarks/client_floor.py KUBECONFIG [NAMESPACE]

The client is imported the fastest way we know (kube/library.py: without the generated models, the
rare-path libraries deferred); `bench_startup_frozen.py --floor` times this against kubectl.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "plugins"))

from netdebug.kube import library  # noqa: E402


def main() -> None:
    kubeconfig, namespace = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "default"
    lib = library.load()
    configuration = lib.Configuration()
    lib.kube_config.load_kube_config(kubeconfig, client_configuration=configuration, persist_config=False)
    response = lib.ApiClient(configuration).call_api(f"/api/v1/namespaces/{namespace}/pods", "GET",
                                                     auth_settings=["BearerToken"], _preload_content=False)
    print(f"{len(response.data)} bytes")


if __name__ == "__main__":
    main()
