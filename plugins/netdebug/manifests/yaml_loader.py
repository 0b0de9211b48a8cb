"""A safe, fast YAML loader that reads scalars as the API server does, with bounded aliases and depth.

Scalars: kubectl and the API server decode YAML with go-yaml v2 (via sigs.k8s.io/yaml), not with
PyYAML's YAML 1.1 resolver. So `12:30:00` stays a string (no base-60), `2024-01-02` stays a string
(no timestamps), `y`/`n`/`yes`/`off` are booleans, `1e3` is a number and `!!binary` is the decoded text.

Speed: PyYAML's C parser still builds every object through Python generators (two passes per mapping);
manifests are plain maps, lists and strings, so everything is built directly in one pass: no tag
ever constructs anything but maps, lists, strings, numbers, booleans and null.

Safety: an alias builds a fresh copy of what it names, so a "billion laughs" document would grow
without end; at most MAX_ALIAS_NODES nodes may be built through aliases per document, and nesting
deeper than MAX_DEPTH is refused. Duplicate keys are refused, as the API server's strict decoding does.
"""
import base64
import math
import re

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_MERGE, _BINARY, _BOOL = "tag:yaml.org,2002:merge", "tag:yaml.org,2002:binary", "tag:yaml.org,2002:bool"
_INT, _FLOAT, _NULL = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:null"
_TRUE = ("y", "yes", "true", "on")
_FLOAT_SYNTAX = re.compile(r"^[-+]?(\.[0-9]|[0-9]+[.eE]|\.(inf|Inf|INF|nan|NaN|NAN))")
_OCTAL = re.compile(r"^[-+]?0[0-7]+$")
MAX_ALIAS_NODES = 100_000
MAX_DEPTH = 200

_RESOLVERS = (  # go-yaml v2's implicit types; order matters (int before float)
    ("tag:yaml.org,2002:bool", r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE"
                               r"|on|On|ON|off|Off|OFF)$", "yYnNtTfFoO"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?0b[0-1_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*))$",
     "-+0123456789"),
    ("tag:yaml.org,2002:float", r"^(?:[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?"
                                r"|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+"
                                r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+0123456789."),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", "<"),
)


def load_documents(text: str) -> list:
    """Every document of a YAML (or JSON) text, read by ManifestLoader."""
    loader = ManifestLoader(text)
    loader.track_aliases = "&" in text
    try:
        documents = []
        while loader.check_data():
            documents.append(loader.get_data())
        return documents
    finally:
        loader.dispose()


def _refuse(problem: str, node):
    return yaml.constructor.ConstructorError(None, None, problem, node.start_mark)


class ManifestLoader(_Base):
    yaml_implicit_resolvers = {}

    def construct_document(self, node):
        self._aliased, self._built, self._merged = 0, set(), set()
        try:
            return self._build(node, 0, False)
        except RecursionError:
            raise _refuse("nesting too deep", node) from None
        finally:
            self.constructed_objects, self._built, self._merged = {}, set(), set()

    track_aliases = True  # load_documents turns it off for a text without anchors (no alias is possible)

    def _build(self, node, depth: int, shared: bool):
        tag = node.tag
        if shared:
            self._count(node)
        if tag == _STR:
            return node.value
        if depth > MAX_DEPTH:
            raise _refuse(f"nesting deeper than {MAX_DEPTH} levels", node)
        if not isinstance(node, yaml.ScalarNode):  # a map or list whatever its tag (!!set, !!omap: as go-yaml)
            if self.track_aliases:
                if not shared and id(node) in self._built:
                    shared = True  # an alias: what it names is built again
                    self._count(node)
                self._built.add(id(node))
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, depth, shared)
            return [self._build(item, depth + 1, shared) for item in node.value]
        return self._scalar(node)

    def _mapping(self, node, depth: int, shared: bool) -> dict:
        merges = id(node) in self._merged or any(key.tag == _MERGE for key, _ in node.value)
        if merges and id(node) not in self._merged:
            _refuse_duplicates([key for key, _ in node.value if key.tag != _MERGE])
            self.flatten_mapping(node)  # merged pairs first, so the map's own keys win
            self._merged.add(id(node))
        built = {key.value if key.tag == _STR else self._key(key, depth): self._build(value, depth + 1, shared)
                 for key, value in node.value}
        if len(built) != len(node.value) and not merges:
            _refuse_duplicates([key for key, _ in node.value])
        return built

    def _key(self, node, depth: int) -> str:
        """JSON has only string keys: sigs.k8s.io/yaml writes `true: x` as "true", `80: x` as "80"."""
        key = self._build(node, depth + 1, False)
        if isinstance(key, (dict, list)):
            raise _refuse("a map or list used as a key", node)
        return "null" if key is None else str(key).lower() if isinstance(key, bool) else str(key)

    def _scalar(self, node):
        if node.tag == _BOOL:
            return node.value.lower() in _TRUE
        if node.tag == _BINARY:
            try:
                return base64.b64decode("".join(node.value.split()), validate=True).decode("utf-8")
            except (ValueError, UnicodeError):
                raise _refuse("!!binary is not base64 of UTF-8 text", node) from None
        if node.tag in (_INT, _FLOAT):
            return _number(node.value)
        if node.tag == _NULL:
            return None
        return node.value  # !!str, !!timestamp, any other tag: the text, as go-yaml v2 hands it to JSON

    def _count(self, node) -> None:
        self._aliased += 1
        if self._aliased > MAX_ALIAS_NODES:
            raise _refuse(f"more than {MAX_ALIAS_NODES:,} values built through aliases (an alias bomb?)", node)


def _number(text: str):
    """go-yaml v2: an int beyond 64 bits is read as a float, a float beyond float64 (or a number that
    does not parse, such as `0x_`) as the text itself."""
    plain = text.replace("_", "")
    value = _integer(plain)
    if value is not None and -2**63 <= value < 2**64:
        return value
    try:
        number = float(plain.lower().replace(".inf", "inf").replace(".nan", "nan")) if len(plain) < 400 else math.inf
    except ValueError:
        return text
    return text if math.isinf(number) and "inf" not in plain.lower() else number


def _integer(plain: str) -> int | None:
    if _FLOAT_SYNTAX.match(plain):
        return None
    try:
        return int(plain, 0)
    except ValueError:  # 017 (octal in YAML 1.1), thousands of digits, `0x`
        return int(plain, 8) if _OCTAL.match(plain) else None


def _refuse_duplicates(keys: list) -> None:
    seen = set()
    for key in keys:
        if key.value in seen:
            raise _refuse(f"duplicate key {key.value!r}", key)
        seen.add(key.value)


for _tag, _pattern, _first in _RESOLVERS:
    ManifestLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))
ManifestLoader.add_implicit_resolver("tag:yaml.org,2002:yaml", re.compile(r"^(?:!|&|\*)$"), list("!&*"))
