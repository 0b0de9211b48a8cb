"""Machine formats: a report (plain dicts and lists) written as JSON or YAML."""
import json

import yaml

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def write_json(report, stream) -> None:
    json.dump(report, stream, indent=2, sort_keys=False)
    stream.write("\n")


def write_yaml(report, stream) -> None:
    yaml.dump(report, stream, Dumper=_Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True)


def write_structured(report, fmt: str, stream) -> bool:
    """Write json/yaml and return True; return False for other formats (the caller renders text)."""
    if fmt == "json":
        write_json(report, stream)
    elif fmt == "yaml":
        write_yaml(report, stream)
    else:
        return False
    return True
