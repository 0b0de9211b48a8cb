"""Scalars read as kubectl's YAML reader (go-yaml v2) reads them; nothing a file holds makes the loader raise
anything but bad input."""
import pytest
import yaml

from netdebug.manifests.yaml_loader import ManifestLoader


def read(text: str):
    return yaml.load(f"v: {text}\n", Loader=ManifestLoader)["v"]


@pytest.mark.parametrize("text, value", [
    ("12:30:00", "12:30:00"), ("2024-01-02", "2024-01-02"), ("2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"),
    ("y", True), ("N", False), ("yes", True), ("Off", False), ("TRUE", True), ("'yes'", "yes"),
    ("1e3", 1000.0), ("26e87555", "26e87555"), ("60487e15", 6.0487e19), (".5", 0.5), ("5.", 5.0), ("-.inf", float("-inf")),
    ("017", 15), ("0x1f", 31), ("0b11", 3), ("1_000", 1000), ("+12", 12), ("0x_", "0x_"), ("0b_", "0b_"),
    ("9" * 30, 1e30), ("9" * 5000, "9" * 5000), ("~", None), ("", None), (".", "."), ("1.2.3", "1.2.3"),
    ("!!binary aGVsbG8=", "hello"), ("!!str 80", "80"),
])
def test_scalars(text, value):
    assert read(text) == value


@pytest.mark.parametrize("text, problem", [
    ("!!binary '@@'", "!!binary is not base64 of UTF-8 text"), ("{a: 1, a: 2}", "duplicate key 'a'"),
    ("{? [a]: 1}", "a map or list used as a key"), ("[" * 300 + "]" * 300, "nesting deeper than 200 levels"),
])
def test_bad_input_is_a_yaml_error(text, problem):
    with pytest.raises(yaml.YAMLError, match=problem.replace("[", r"\[")):
        read(text)


def test_keys_become_strings_as_in_json():
    assert yaml.load("{80: a, true: b, y: c, ~: d, 1.5: e}", Loader=ManifestLoader) == \
        {"80": "a", "true": "c", "null": "d", "1.5": "e"}


def test_collection_tags_and_explicit_timestamps_read_as_plain_json():
    assert yaml.load("a: !!set {x, z}\nb: !!omap [{k: 1}]\nc: !!timestamp 2001-01-01\n", Loader=ManifestLoader) == \
        {"a": {"x": None, "z": None}, "b": [{"k": 1}], "c": "2001-01-01"}


def test_any_other_tag_is_plain_data_never_constructed():
    assert read("!!python/object/apply:os.system [echo]") == ["echo"]
    assert read("!!python/name:os.system x") == "x" and read("!custom 80") == "80"
