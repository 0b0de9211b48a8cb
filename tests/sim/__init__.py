"""A simulated Kubernetes cluster for tests and demos: a fake API server and real network namespaces.

    python -m tests.sim up examples/shop --name demo   # prints the kubeconfig path once ready
    python -m tests.sim list ; python -m tests.sim down --name demo

From Python: `tests.sim.cluster.SimCluster.start(scenario_dir, name)`; in pytest: the `sim_cluster`
fixture (tests/conftest.py). Scenario annotations are documented in tests/sim/README.md.
"""
