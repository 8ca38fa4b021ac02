"Tests of encdec_lib.data: tokenizers, vocabularies, padding, buckets, splits, ParallelData."
import pytest
import torch
from hypothesis import given, settings, strategies as st

from encdec_lib.data import (BOS_ID, EOS_ID, PAD_ID, UNK_ID, BucketLoader, ParallelData, Vocab, bucket_batches,
    char_tokenize, make_batch, pad_batch, split_of, split_pairs, word_tokenize)
from encdec_lib.datasets import make_numbers  # a corpus to build ParallelData on


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


def test_parallel_data_unknowns_in_test():
    data = ParallelData(make_numbers(400, (1, 4)), lambda s: word_tokenize(s), lambda s: word_tokenize(s))
    assert data.src_vocab.itos[:4] == ["<pad>", "<bos>", "<eos>", "<unk>"]
    b = next(iter(data.loader("train", 16)))
    assert b.src.shape[0] == 16 and b.src_mask.dtype == torch.bool
    with pytest.raises(ValueError, match="not in the vocabulary"):
        data.encode_src(["zebra"], strict=True)
    with pytest.raises(ValueError, match="split"):
        data.loader("dev")


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


