"Tests of encdec_lib.captioning: digit strips, im2col convolution, the strip encoder, the three captioners, words_to_number."
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st
from num2words import num2words
from torch import nn

from encdec_lib.captioning import (DIGIT_SIZES, KINDS, MAX_DIGITS, STRIP_HEIGHT, CaptionLoader, DigitCNN, Im2colConv2d,
                                   StripEncoder, caption_loss, conv2d_im2col, im2col, make_captioner, make_strips, pixels,
                                   read_strips, sinusoidal_2d, strip_width, trainable_parameters, words_to_number)
from encdec_lib.data import BOS_ID, Vocab, pad_batch, word_tokenize
from encdec_lib.decoding import beam_search, greedy_search

torch.set_num_threads(1)


def fake_mnist(n=40):
    "A tiny stand-in for MNIST: every label 0-9, random images (the strips' geometry does not depend on the pixels)."
    g = torch.Generator().manual_seed(0)
    return torch.rand(n, 28, 28, generator=g), torch.arange(n) % 10


def test_strips_are_deterministic_and_well_formed():
    m = fake_mnist()
    a, b = make_strips(30, 4, seed=3, mnist=m), make_strips(30, 4, seed=3, mnist=m)
    assert torch.equal(a.images, b.images) and a.captions == b.captions and a.boxes == b.boxes
    assert not torch.equal(make_strips(30, 4, seed=4, mnist=m).images, a.images)
    assert a.images.shape == (30, STRIP_HEIGHT, strip_width(4)) and a.images.dtype == torch.uint8
    for number, caption, box in zip(a.numbers, a.captions, a.boxes):
        assert 1 <= len(number) <= 4 and (len(number) == 1 or number[0] != "0")
        assert caption == num2words(int(number)) and len(box) == len(number)
        assert all(DIGIT_SIZES[0] <= s <= DIGIT_SIZES[1] and 0 <= x and x + s <= strip_width(4) and 0 <= y <= STRIP_HEIGHT - s
                   for x, y, s in box)
        assert all(x1 > x0 for (x0, _, _), (x1, _, _) in zip(box, box[1:]))  # left to right


def test_strip_digit_counts_and_languages():
    m = fake_mnist()
    s = make_strips(50, 3, seed=0, min_digits=3, mnist=m)
    assert all(len(n) == 3 for n in s.numbers)
    one = make_strips(20, 1, seed=0, width=STRIP_HEIGHT, mnist=m)
    assert one.images.shape == (20, STRIP_HEIGHT, STRIP_HEIGHT) and all(len(n) == 1 for n in one.numbers)
    fr = make_strips(10, 4, seed=0, lang="fr", mnist=m)
    assert fr.numbers == make_strips(10, 4, seed=0, mnist=m).numbers and fr.captions[0] == num2words(int(fr.numbers[0]), lang="fr")


def test_strips_bad_inputs():
    m = fake_mnist()
    with pytest.raises(ValueError, match="^n must"):
        make_strips(0, 3, mnist=m)  # an empty set of strips
    with pytest.raises(ValueError, match="^n must"):
        make_strips(2.5, 3, mnist=m)
    with pytest.raises(ValueError, match="max_digits"):
        make_strips(5, 0, mnist=m)
    with pytest.raises(ValueError, match="max_digits"):
        make_strips(5, MAX_DIGITS + 1, mnist=m)
    with pytest.raises(ValueError, match="min_digits"):
        make_strips(5, 3, min_digits=0, mnist=m)
    with pytest.raises(ValueError, match="min_digits=4 is more than max_digits=3"):
        make_strips(5, 3, min_digits=4, mnist=m)
    with pytest.raises(ValueError, match="width"):
        make_strips(5, 3, width=DIGIT_SIZES[1] * 3 - 1, mnist=m)  # too narrow for three digits
    with pytest.raises(ValueError, match="mnist"):
        make_strips(5, 3, mnist=(torch.rand(10, 20, 20), torch.arange(10)))
    with pytest.raises(ValueError, match="every digit"):
        make_strips(5, 3, mnist=(torch.rand(10, 28, 28), torch.zeros(10, dtype=torch.long)))
    with pytest.raises(ValueError, match="max_digits"):
        strip_width(0)


@given(st.integers(1, 3), st.integers(1, 4), st.integers(1, 5), st.integers(1, 9), st.integers(1, 9),
       st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), st.integers(1, 3), st.integers(0, 2), st.integers(0, 2))
@settings(max_examples=40, deadline=None)
def test_im2col_convolution_matches_conv2d(B, C_in, C_out, H, W, kh, kw, sh, sw, ph, pw):
    if H + 2 * ph < kh or W + 2 * pw < kw:
        with pytest.raises(ValueError, match="smaller than the kernel"):
            im2col(torch.zeros(B, C_in, H, W), (kh, kw), (sh, sw), (ph, pw))
        return
    g = torch.Generator().manual_seed(B + 10 * H + 100 * W)
    x = torch.randn(B, C_in, H, W, generator=g, dtype=torch.float64, requires_grad=True)
    ref = nn.Conv2d(C_in, C_out, (kh, kw), (sh, sw), (ph, pw)).double()
    ours = Im2colConv2d(C_in, C_out, (kh, kw), (sh, sw), (ph, pw)).double()
    ours.load_state_dict(ref.state_dict())
    x2 = x.detach().clone().requires_grad_(True)
    y, y_ref = ours(x), ref(x2)
    torch.testing.assert_close(y, y_ref, rtol=1e-12, atol=1e-12)
    grad = torch.randn(y.shape, generator=g, dtype=torch.float64)
    (y * grad).sum().backward(); (y_ref * grad).sum().backward()
    torch.testing.assert_close(x.grad, x2.grad, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(ours.weight.grad, ref.weight.grad, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(ours.bias.grad, ref.bias.grad, rtol=1e-12, atol=1e-12)


def test_im2col_layout_and_bad_inputs():
    x = torch.arange(2 * 4 * 5, dtype=torch.float64).view(1, 2, 4, 5)
    cols = im2col(x, 2, 1, 0)
    assert cols.shape == (1, 2 * 2 * 2, 3 * 4)
    torch.testing.assert_close(cols[0, :, 0], torch.tensor([0., 1, 5, 6, 20, 21, 25, 26], dtype=torch.float64))  # rows (c, i, j)
    torch.testing.assert_close(cols, F.unfold(x, 2))  # PyTorch's own im2col
    with pytest.raises(ValueError, match="x must be"):
        im2col(torch.zeros(2, 5, 5), 3)
    with pytest.raises(ValueError, match="kernel_size"):
        im2col(torch.zeros(1, 1, 5, 5), 0)
    with pytest.raises(ValueError, match="stride"):
        im2col(torch.zeros(1, 1, 5, 5), 3, stride=(1, 2, 3))
    with pytest.raises(ValueError, match="C_in"):
        conv2d_im2col(torch.zeros(1, 2, 5, 5), torch.zeros(3, 1, 3, 3))
    assert conv2d_im2col(torch.zeros(1, 1, 5, 5), torch.zeros(3, 1, 3, 3), None, 2, 1).shape == (1, 3, 3, 3)


def test_sinusoidal_2d():
    pe = sinusoidal_2d(2, 5, 6)
    assert pe.shape == (10, 6) and len({tuple(r.tolist()) for r in pe}) == 10
    torch.testing.assert_close(pe[:5, :3], pe[0, :3].expand(5, 3))  # row 0: the same row code
    with pytest.raises(ValueError, match="d must be even"):
        sinusoidal_2d(2, 2, 5)
    with pytest.raises(ValueError, match="h must"):
        sinusoidal_2d(0, 2, 4)


def test_strip_encoder_shapes_and_bad_inputs():
    torch.manual_seed(0)
    cnn = DigitCNN()
    enc = StripEncoder(cnn, STRIP_HEIGHT, 64, d_model=8, context_size=5)
    assert all(not p.requires_grad for p in cnn.parameters())  # frozen
    images = torch.randint(0, 256, (3, STRIP_HEIGHT, 64), dtype=torch.uint8)
    out = enc(pixels(images))
    assert enc.grid == (2, 8) and out.outputs.shape == (3, 16, 8) and out.state.shape == (1, 3, 5) and out.mask is None
    assert StripEncoder(cnn, STRIP_HEIGHT, 64, 8, context_size=None)(pixels(images)).state is None
    with pytest.raises(ValueError, match="src has shape"):
        enc(pixels(torch.zeros(3, STRIP_HEIGHT, 72, dtype=torch.uint8)))  # a strip of the wrong width
    with pytest.raises(ValueError, match="src has shape"):
        enc(torch.zeros(3, 2, STRIP_HEIGHT * 32, dtype=torch.long))
    with pytest.raises(ValueError, match="src_mask"):
        enc(pixels(images), torch.ones(3, STRIP_HEIGHT * 64, dtype=torch.bool))
    with pytest.raises(ValueError, match="height"):
        StripEncoder(cnn, 12, 64)
    with pytest.raises(ValueError, match="f has shape"):
        enc.from_features(torch.zeros(3, 64, 2, 9))
    with pytest.raises(ValueError, match="images must be"):
        pixels(torch.zeros(3, STRIP_HEIGHT, 64))  # floats, not uint8
    with pytest.raises(ValueError, match="x has shape"):
        cnn(torch.zeros(2, 1, 28, 28))  # the classifier reads 16x16 digits
    with pytest.raises(ValueError, match="channels"):
        DigitCNN((8, 16))


@pytest.mark.parametrize("kind", KINDS)
def test_captioners_train_and_decode(kind):
    torch.manual_seed(0)
    m = fake_mnist()
    strips = make_strips(12, 2, seed=0, mnist=m)
    vocab = Vocab.build(word_tokenize(c) for c in strips.captions)
    targets = [vocab.encode(word_tokenize(c)) for c in strips.captions]
    cnn = DigitCNN()
    model = make_captioner(kind, cnn, strips.images.shape[2], len(vocab), hidden_size=16, d_model=16, emb_size=8)
    assert trainable_parameters(model) < sum(p.numel() for p in model.parameters())  # the CNN is frozen
    features = model.encoder.features(pixels(strips.images))
    batch = next(iter(CaptionLoader(features, targets, 12)))
    loss = caption_loss(model, batch)
    loss.backward()
    assert torch.isfinite(loss) and all(p.grad is None for p in cnn.parameters())
    # the cached path and the pixel path give the same teacher-forced logits
    tgt_in, _ = pad_batch([[BOS_ID, *t] for t in targets])
    enc = model.encoder.from_features(features)
    torch.testing.assert_close(model(pixels(strips.images), tgt_in), model.decoder(tgt_in, model.decoder.init_state(enc), enc)[0])
    model.eval()
    greedy = greedy_search(model, pixels(strips.images), None, 8)
    beam, _ = beam_search(model, pixels(strips.images), None, 3, 8)
    assert greedy.shape[0] == beam.shape[0] == 12
    assert len(read_strips(model, strips.images, vocab, beam_size=2, max_length=8, chunk=5)) == 12
    with pytest.raises(ValueError, match="beam_size"):
        read_strips(model, strips.images, vocab, beam_size=0)


def test_make_captioner_and_loader_bad_inputs():
    with pytest.raises(ValueError, match="kind"):
        make_captioner("bottleneck", DigitCNN(), 64, 10)
    with pytest.raises(ValueError, match="features"):
        CaptionLoader(torch.zeros(3, 64, 2, 8), [[4], [5]], 2)
    with pytest.raises(ValueError, match="batch_size"):
        CaptionLoader(torch.zeros(2, 64, 2, 8), [[4], [5]], 0)


@given(st.integers(0, 10 ** 6))
@settings(max_examples=300, deadline=None)
def test_words_to_number_inverts_num2words(n):
    assert words_to_number(word_tokenize(num2words(n))) == n


@pytest.mark.parametrize("tokens", [[], ["hundred"], ["thousand"], ["five", "six"], ["twenty", "thirty"], ["twenty", "twelve"],
                                    ["twelve", "hundred"], ["seven", "cats"], ["five", "thousand", "two", "thousand"]])
def test_words_to_number_rejects_non_numbers(tokens):
    assert words_to_number(tokens) is None
