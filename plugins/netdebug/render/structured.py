"""Machine formats: a report (plain dicts and lists) written as JSON or YAML."""
import json


def write_json(report, stream) -> None:
    json.dump(report, stream, indent=2, sort_keys=False)
    stream.write("\n")


def write_yaml(report, stream) -> None:
    import yaml  # ~20 ms: only when YAML is asked for, never on --help

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    yaml.dump(report, stream, Dumper=dumper, sort_keys=False, default_flow_style=False, allow_unicode=True)


def write_structured(report, fmt: str, stream) -> bool:
    """Write json/yaml and return True; return False for other formats (the caller renders text)."""
    if fmt == "json":
        write_json(report, stream)
    elif fmt == "yaml":
        write_yaml(report, stream)
    else:
        return False
    return True
