"""The library reference: one page per module of encdec_lib, generated from the notebooks'
docstrings and docments (nbdev's show_doc) into book/api/<module>.md by every book build
(tools/book.py); the pages are build products, not committed."""
from __future__ import annotations

import importlib
import inspect
import re

from settings import ROOT, settings

API = ROOT / "book" / "api"


def modules() -> list[str]:
    lib = ROOT / settings()["lib_path"]
    return sorted(p.stem for p in lib.glob("*.py") if not p.stem.startswith("_"))


def notebook_of(module: str) -> str:
    "nbs/NN_name for the notebook a module is exported from."
    first = (ROOT / settings()["lib_path"] / f"{module}.py").read_text(encoding="utf-8").splitlines()[0]
    m = re.search(r"File to edit: \.\./(\S+)\.ipynb", first)
    if not m:
        raise ValueError(f"{module}.py does not name the notebook it is exported from")
    return m.group(1)


def _doc(obj, name: str, level: int) -> str:
    from nbdev.showdoc import show_doc

    md = show_doc(obj, name=name, title_level=level)._repr_markdown_()
    md = "\n".join(l for l in md.splitlines() if l.strip() != "---").strip()
    md = re.sub(r"```python\n\s*\n", "```python\n", md)
    md = re.sub(r"\n\s*\n+```", "\n```", md)
    if inspect.isclass(obj) and hasattr(obj, "_fields"):  # a NamedTuple: its fields are its signature
        doc = (obj.__doc__ or "").strip()
        return f"{'#' * level} {name}\n\n```python\nclass {name}(NamedTuple): {', '.join(obj._fields)}\n```\n\n*{doc}*"
    if inspect.isclass(obj):
        md = md.replace(f"def {name}(", f"class {name}(", 1)
    return md


def page(module: str) -> str:
    mod = importlib.import_module(f"{settings()['lib_name']}.{module}")
    nb = notebook_of(module)
    out = [f"# `{settings()['lib_name']}.{module}`", "",
           f"The API of the module exported from the chapter {{doc}}`/{nb}`, generated from its docstrings and "
           "its parameters' comments. The chapter explains and checks every piece.", ""]
    for name in getattr(mod, "__all__", []):
        obj = getattr(mod, name)
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            out += [f"## `{name}`", "", "```python", f"{name} = {obj!r}", "```", ""]
            continue
        out += [_doc(obj, name, 2), ""]
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if attr.startswith("_") and attr not in ("__init__", "__call__"):
                    continue
                fn = member.fget if isinstance(member, property) else member
                if inspect.isfunction(fn) and fn.__doc__ and attr != "__init__":
                    out += [_doc(fn, f"{name}.{attr}", 3), ""]
    return "\n".join(out).rstrip() + "\n"


def write_pages(folder) -> list[str]:
    "Write <module>.md for every module of the library into `folder` (emptied first)."
    import shutil

    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for m in modules():
        (folder / f"{m}.md").write_text(page(m), encoding="utf-8")
    return modules()
