"""Charts for the Helm proofs: the corpus's flattened chart files rebuilt as charts, values to vary.

The corpus keeps each chart's templates and values.yaml as flat files (``<chart dir>_templates_x.yaml``,
``<chart dir>_values.yaml``), without Chart.yaml, helpers or the templates they include. ``build``
makes a renderable chart of one corpus folder in a temporary folder (never in the corpus): a Chart.yaml,
the values (with the umbrella chart's ``global`` values when the folder is a subchart), the templates,
and stubs for what they include but the corpus does not hold (named templates, ``.Template.BasePath``
files). ``changed_values`` gives other values of the same shape: other network names and addresses, the
``enabled`` flags flipped.
"""

from __future__ import annotations

import copy
import ipaddress
import re
from pathlib import Path
from typing import Any

import yaml

_INCLUDE = re.compile(r"\b(?:include|template)\s+\"([^\"]+)\"")
_DEFINE = re.compile(r"\bdefine\s+\"([^\"]+)\"")
_BASE_PATH = re.compile(r"print\s+\$?\.Template\.BasePath\s+\"([^\"]+)\"")
LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def chart_files(folder: Path) -> tuple[dict[str, Path], Path | None]:
    """(template path inside the chart -> corpus file, values file) of one corpus folder."""
    templates: dict[str, Path] = {}
    values: Path | None = None
    prefix = folder.name + "_"
    for file in sorted(folder.iterdir()):
        rest = file.name[len(prefix) :] if file.name.startswith(prefix) else file.name
        if rest == "values.yaml":
            values = file
        elif rest.startswith("templates_"):
            templates["templates/" + rest[len("templates_") :]] = file
    return templates, values


def _umbrella(folder: Path) -> Path | None:
    """The corpus folder of the parent chart of a subchart folder (``<parent>_charts_<name>``)."""
    name = folder.name
    at = name.rfind("_charts_")
    while at > 0:
        parent = folder.parent / name[:at]
        if parent.is_dir() and any(p.name.endswith("_values.yaml") for p in parent.iterdir()):
            return parent
        at = name.rfind("_charts_", 0, at)
    return None


def _load(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER)
    return data if isinstance(data, dict) else {}


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` deep-merged onto a copy of ``base`` (as Helm coalesces values)."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _stub(name: str) -> str:
    """What a named template the corpus does not hold writes, by the shape its name promises."""
    last = name.rsplit(".", 1)[-1].lower()
    if last.endswith("labels"):
        return "app.kubernetes.io/name: proof"
    if last.endswith("label"):
        return "proof"
    if "annotation" in last:
        return 'proof.example.com/annotation: "yes"'
    if last == "gnbiplist":
        return '"10.20.0.5/24"'
    if last in ("fullname", "name", "chart"):
        return "proof-" + re.sub(r"[^a-z0-9-]+", "-", name.split(".", 1)[0].lower()).strip("-")
    return "proof-" + re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")  # a name, unique per template


def build(folder: Path, dest: Path) -> Path | None:
    """A renderable chart of one corpus folder under ``dest`` (None: the folder holds no chart templates)."""
    templates, values_file = chart_files(folder)
    if not templates:
        return None
    chart = dest / folder.name
    (chart / "templates").mkdir(parents=True)
    name = re.sub(r"[^a-z0-9-]+", "-", folder.name.lower())[-50:].strip("-")
    (chart / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: 0.1.0\nappVersion: '1.0'\n")
    values = _load(values_file)
    umbrella = _umbrella(folder)
    if umbrella is not None:
        parent_values = _load(chart_files(umbrella)[1])
        values["global"] = merge(parent_values.get("global") or {}, values.get("global") or {})
    (chart / "values.yaml").write_text(
        yaml.dump(values, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper))
    )
    texts = {}
    for relative, source in templates.items():
        target = chart / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        texts[relative] = source.read_text(encoding="utf-8")
        target.write_text(texts[relative], encoding="utf-8")
    every = "\n".join(texts.values())
    defined = set(_DEFINE.findall(every))
    stubs = [
        f'{{{{- define "{used}" -}}}}{_stub(used)}{{{{- end -}}}}\n'
        for used in sorted(set(_INCLUDE.findall(every)) - defined)
    ]
    (chart / "templates" / "_proof_helpers.tpl").write_text("".join(stubs))
    for included in set(_BASE_PATH.findall(every)):
        stub = chart / "templates" / included.lstrip("/")
        if not stub.exists():
            stub.parent.mkdir(parents=True, exist_ok=True)
            stub.write_text("# a file the corpus does not hold (its checksum is taken)\n")
    return chart


# -- other values --------------------------------------------------------------------------------------------


def changed_values(values: dict[str, Any], flip_enabled: bool) -> dict[str, Any]:
    """Values of the same shape: network names get a suffix, IPv4 addresses move by one, and with
    ``flip_enabled`` every boolean ``enabled`` flag is flipped."""
    return _change(copy.deepcopy(values), flip_enabled, "")


def _change(data: Any, flip: bool, key: str) -> Any:
    if isinstance(data, dict):
        return {k: _change(v, flip, str(k)) for k, v in data.items()}
    if isinstance(data, list):
        return [_change(item, flip, key) for item in data]
    if isinstance(data, bool):
        return (not data) if flip and key.lower() in ("enabled", "enable") else data
    if isinstance(data, str):
        try:
            address = ipaddress.IPv4Address(data)
        except ValueError:
            address = None
        if address is not None and not address.is_unspecified:
            return str(ipaddress.IPv4Address((int(address) & ~0xFF) | ((int(address) + 1) & 0xFF)))
        if key.lower() == "name" and re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", data) and len(data) < 40:
            return data + "-b"
    return data
