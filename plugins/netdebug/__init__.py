"""netdebug: kubectl plugins that troubleshoot Kubernetes networking."""

__version__ = "0.1.0"
