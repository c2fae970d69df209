"""Packaging promises: a light import, lazy submodules, metadata that agrees with itself."""

import subprocess
import sys
from pathlib import Path

import tomllib

import dlbook

ROOT = Path(__file__).resolve().parents[1]


def test_import_does_not_pull_in_frameworks():
    code = (
        "import sys, dlbook, dlbook.data, dlbook.exercises, dlbook.perceptron, dlbook.hardware, dlbook.repro;"
        "heavy = [m for m in ('torch', 'tensorflow', 'keras', 'matplotlib') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"import dlbook imported {out.stdout.strip()}"


def test_lazy_submodules_resolve():
    for name in dlbook._SUBMODULES:
        assert getattr(dlbook, name).__name__ == f"dlbook.{name}"
    assert set(dlbook._SUBMODULES) <= set(dir(dlbook))


def test_every_module_is_listed():
    on_disk = {p.stem for p in (ROOT / "dlbook").glob("*.py") if not p.stem.startswith("_")}
    on_disk |= {p.name for p in (ROOT / "dlbook").iterdir() if (p / "__init__.py").exists()}
    assert on_disk == set(dlbook._SUBMODULES), "dlbook/__init__.py's _SUBMODULES is out of date"


def test_pyproject_extras_and_version():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert {"torch", "tf", "book", "dev"} <= set(meta["optional-dependencies"])
    assert all(">=" in dep for dep in meta["dependencies"]), (
        "the package's own dependencies are loose lower bounds"
    )
    assert meta["urls"]["Homepage"] == dlbook.REPOSITORY_URL


def test_wheel_contains_every_module(dlbook_wheel):
    """`pip install .` (and from the git URL) ships the whole package, exercises included."""
    import zipfile

    wheel = dlbook_wheel
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        f"dlbook/{p.relative_to(ROOT / 'dlbook').as_posix()}"
        for p in (ROOT / "dlbook").rglob("*.py")
    }
    assert expected <= names, f"missing from the wheel: {sorted(expected - names)}"
    assert not any(n.startswith(("tests/", "chapters/", "tools/")) for n in names)
