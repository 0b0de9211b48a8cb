"""The live capture tests run tcpdump inside simulated pods: without it they skip, saying so."""
import os
import shutil

import pytest

SEARCH = f"{os.environ.get('PATH', '')}:/usr/local/sbin:/usr/sbin:/sbin"


@pytest.fixture(autouse=True)
def _needs_tcpdump(request):
    if request.node.get_closest_marker("sim") and not shutil.which("tcpdump", path=SEARCH):
        pytest.skip("packet capture tests need tcpdump on this machine (apt-get install tcpdump; .ci/run does)")
