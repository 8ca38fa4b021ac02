"""Packaging for `encdec_lib`; every value comes from settings.ini (the nbdev 2 convention)."""
import shlex
from configparser import ConfigParser
from pathlib import Path

import setuptools

here = Path(__file__).resolve().parent
config = ConfigParser(delimiters=["="])
config.read(here / "settings.ini", encoding="utf-8")
cfg = config["DEFAULT"]

licenses = {"apache2": ("Apache Software License 2.0", "OSI Approved :: Apache Software License")}
lic = licenses[cfg["license"]]
min_python = cfg["min_python"]
readme = here / "README.md"
course = shlex.split(cfg.get("course_requirements", ""))
bench = shlex.split(cfg.get("bench_requirements", ""))

setuptools.setup(
    name=cfg["lib_name"],
    version=cfg["version"],
    description=cfg["description"],
    long_description=readme.read_text(encoding="utf-8") if readme.exists() else cfg["description"],
    long_description_content_type="text/markdown",
    author=cfg["author"],
    author_email=cfg["author_email"],
    url=cfg["git_url"],
    license=lic[0],
    keywords=cfg["keywords"].split(),
    classifiers=[
        "Development Status :: 3 - Alpha",
        "Intended Audience :: Education",
        "License :: " + lic[1],
        "Natural Language :: English",
        "Programming Language :: Python :: 3",
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
    ],
    packages=setuptools.find_packages(include=[cfg["lib_path"], cfg["lib_path"] + ".*"]),
    include_package_data=True,
    python_requires=">=" + min_python,
    install_requires=shlex.split(cfg.get("requirements", "")),
    # dev includes bench: the Transformer chapter checks document 003's imports against transformers itself
    extras_require={"course": course, "bench": bench, "dev": shlex.split(cfg.get("dev_requirements", "")) + course + bench},
    zip_safe=False,
)
