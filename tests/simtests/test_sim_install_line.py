"""`python -m tests.sim up` without the sim's packages: one line saying what to install, exit 2, no kubeconfig."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WITHOUT = "import sys; sys.modules['aiohttp'] = None; from tests.sim.__main__ import main; sys.exit(main({argv!r}))"


def test_up_without_the_sim_extras_says_what_to_install():
    argv = ["up", "examples/shop", "--name", "no-extras"]
    done = subprocess.run([sys.executable, "-c", WITHOUT.format(argv=argv)], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "needs aiohttp" in done.stderr and "pip install -e '.[sim]'" in done.stderr
