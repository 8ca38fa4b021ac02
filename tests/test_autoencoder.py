"Edge cases, bad inputs, more configurations and property tests for encdec_lib.autoencoder."
import math

import numpy as np
import pytest
import scipy.linalg
import torch
from hypothesis import given, settings, strategies as st
from sklearn.decomposition import PCA as SkPCA

from encdec_lib.autoencoder import (PCA, ConvAutoencoder, LinearAutoencoder, MLPAutoencoder, pca_fit,
                                    pca_inverse_transform, pca_transform, principal_angles, reconstruction_error)


def rand(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("k, shape, match", [(6, (20, 5), "dimension D=5"), (4, (3, 10), "number of samples N=3"),
                                             (0, (10, 5), "k must be"), (2.0, (10, 5), "k must be"),
                                             (True, (10, 5), "k must be")])
def test_pca_fit_bad_k(k, shape, match):
    with pytest.raises(ValueError, match=match):
        pca_fit(rand(*shape), k)


@pytest.mark.parametrize("X", [torch.randn(10), torch.randn(2, 3, 4), torch.randn(0, 3), torch.randn(1, 3),
                               torch.ones(5, 3, dtype=torch.long)])
def test_pca_fit_bad_shape_or_dtype(X):
    with pytest.raises(ValueError, match="^X "):
        pca_fit(X, 1)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_nonfinite_rejected_everywhere(bad):
    X = rand(20, 5); X[3, 2] = bad
    with pytest.raises(ValueError, match="X contains 1 NaN or inf"):
        pca_fit(X, 2)
    pca = pca_fit(rand(20, 5), 2)
    with pytest.raises(ValueError, match="X contains"):
        pca_transform(pca, X)
    Z = rand(4, 2); Z[0, 0] = bad
    with pytest.raises(ValueError, match="Z contains"):
        pca_inverse_transform(pca, Z)
    with pytest.raises(ValueError, match="U contains"):
        principal_angles(X, rand(20, 5))
    with pytest.raises(ValueError, match="V contains"):
        principal_angles(rand(20, 5), X)


def test_not_a_tensor():
    with pytest.raises(TypeError, match="X must be a torch.Tensor"):
        pca_fit(np.zeros((5, 3)), 1)


def test_transform_wrong_width():
    pca = pca_fit(rand(20, 5), 2)
    with pytest.raises(ValueError, match=r"X has 4 features, expected D=5"):
        pca_transform(pca, rand(3, 4))
    with pytest.raises(ValueError, match=r"Z has 3 columns, expected k=2"):
        pca_inverse_transform(pca, rand(3, 3))
    with pytest.raises(ValueError, match="X_hat has shape"):
        reconstruction_error(rand(3, 5), rand(3, 4))


def test_principal_angles_bad_input():
    with pytest.raises(ValueError, match="same number of rows"):
        principal_angles(rand(5, 2), rand(6, 2))
    with pytest.raises(ValueError, match="^U has shape"):
        principal_angles(torch.randn(5), rand(5, 2))


def test_model_bad_arguments():
    with pytest.raises(ValueError, match="k must be"):
        LinearAutoencoder(5, 6)
    with pytest.raises(ValueError, match="in_features"):
        LinearAutoencoder(0, 1)
    with pytest.raises(ValueError, match=r"x has shape \(3, 4\), expected \(\.\.\., 5\)"):
        LinearAutoencoder(5, 2)(torch.randn(3, 4))
    with pytest.raises(ValueError, match="z has shape"):
        LinearAutoencoder(5, 2).decode(torch.randn(3, 3))
    with pytest.raises(ValueError, match="image_size"):
        ConvAutoencoder(image_size=30)
    with pytest.raises(ValueError, match=r"x has shape \(2, 27, 27\)"):
        ConvAutoencoder()(torch.rand(2, 27, 27))
    with pytest.raises(ValueError, match="hidden"):
        MLPAutoencoder(10, 2, hidden=(0,))
    with pytest.raises(ValueError, match="x has shape"):
        MLPAutoencoder(10, 2)(torch.rand(2, 9))


# ---------------------------------------------------------------- configurations
@pytest.mark.parametrize("N, D, k", [(50, 8, 1), (50, 8, 8), (6, 20, 6), (30, 30, 5), (2, 3, 2)])
def test_pca_matches_sklearn(N, D, k):
    X = rand(N, D, seed=N + D + k) * torch.linspace(0.5, 3, D, dtype=torch.float64)
    pca = pca_fit(X, k)
    sk = SkPCA(n_components=k, svd_solver="full").fit(X.numpy())
    torch.testing.assert_close(pca.explained_variance, torch.from_numpy(sk.explained_variance_), rtol=1e-9, atol=1e-10)
    # compare subspaces (axes of repeated or zero eigenvalues are not unique), then codes where the spectrum is simple
    r = min(k, N - 1)  # centred data has rank <= N - 1: axes beyond it have eigenvalue 0 and are arbitrary
    theta = principal_angles(pca.components[:r].T, torch.from_numpy(sk.components_[:r]).T)
    assert theta.max() < 1e-6
    torch.testing.assert_close(pca_inverse_transform(pca, pca_transform(pca, X)),
                               torch.from_numpy(sk.inverse_transform(sk.transform(X.numpy()))), rtol=1e-8, atol=1e-8)
    assert isinstance(pca, PCA) and pca.k == k and pca.eigenvalues.shape == (min(N, D),)


def test_pca_float32_and_total_variance():
    X = rand(200, 10).float()
    pca = pca_fit(X, 10)
    assert pca.components.dtype == torch.float32
    torch.testing.assert_close(pca.eigenvalues.sum(), X.var(0).sum(), rtol=1e-4, atol=1e-5)
    # with k = D the reconstruction is exact
    torch.testing.assert_close(pca_inverse_transform(pca, pca_transform(pca, X)), X, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("D, p, q", [(10, 3, 3), (10, 5, 2), (10, 2, 5), (7, 7, 1), (4, 1, 1)])
def test_principal_angles_match_scipy(D, p, q):
    A, B = rand(D, p, seed=1), rand(D, q, seed=2)
    torch.testing.assert_close(principal_angles(A, B), torch.from_numpy(scipy.linalg.subspace_angles(A.numpy(), B.numpy())),
                               rtol=1e-10, atol=1e-10)


def test_principal_angles_known_values():
    e = torch.eye(3, dtype=torch.float64)
    torch.testing.assert_close(principal_angles(e[:, :1], e[:, 1:2]), torch.tensor([math.pi / 2], dtype=torch.float64))
    a = 0.3
    v = torch.tensor([[math.cos(a)], [math.sin(a)], [0.0]], dtype=torch.float64)
    torch.testing.assert_close(principal_angles(e[:, :1], v), torch.tensor([a], dtype=torch.float64))
    # rank-deficient input: the angles are between the column spaces
    assert principal_angles(torch.cat([e[:, :1], 2 * e[:, :1]], 1), e[:, :2]).shape == (1,)


def test_from_pca_is_optimal_linear_ae():
    X = rand(100, 6) * torch.tensor([5.0, 3, 2, 1, 0.5, 0.1], dtype=torch.float64) + 4
    pca = pca_fit(X, 3)
    ae = LinearAutoencoder.from_pca(pca)
    with torch.no_grad():
        err = reconstruction_error(X, ae(X))
    torch.testing.assert_close(err, pca.eigenvalues[3:].sum() * 99 / 100)


@pytest.mark.parametrize("k, channels, size, C", [(4, (8,), 8, 1), (16, (8, 16), 28, 1), (3, (4, 4, 4), 16, 3)])
def test_conv_autoencoder_shapes(k, channels, size, C):
    m = ConvAutoencoder(k=k, channels=channels, image_size=size, in_channels=C)
    x = torch.rand(2, C, size, size)
    out = m(x)
    assert out.shape == x.shape and m.encode(x).shape == (2, k) and (out > 0).all() and (out < 1).all()


def test_gradients_flow():
    m = MLPAutoencoder(12, 3, hidden=(8, 6))
    loss = ((m(torch.rand(4, 12)) - torch.rand(4, 12)) ** 2).mean()
    loss.backward()
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in m.parameters())


# ---------------------------------------------------------------- properties
@settings(max_examples=30, deadline=None)
@given(N=st.integers(3, 30), D=st.integers(2, 12), data=st.data())
def test_pca_properties(N, D, data):
    k = data.draw(st.integers(1, min(N, D)))
    X = rand(N, D, seed=N * 100 + D)
    pca = pca_fit(X, k)
    # orthonormal axes, decreasing eigenvalues, codes centred, error = discarded eigenvalues
    torch.testing.assert_close(pca.components @ pca.components.T, torch.eye(k, dtype=torch.float64), atol=1e-10, rtol=0)
    assert (pca.eigenvalues[:-1] >= pca.eigenvalues[1:] - 1e-12).all()
    Z = pca_transform(pca, X)
    torch.testing.assert_close(Z.mean(0), torch.zeros(k, dtype=torch.float64), atol=1e-10, rtol=0)
    err = reconstruction_error(X, pca_inverse_transform(pca, Z))
    torch.testing.assert_close(err, pca.eigenvalues[k:].sum() * (N - 1) / N, atol=1e-9, rtol=1e-9)


@settings(max_examples=30, deadline=None)
@given(D=st.integers(2, 10), seed=st.integers(0, 10_000), data=st.data())
def test_principal_angles_invariant_to_basis(D, seed, data):
    p = data.draw(st.integers(1, D))
    A = rand(D, p, seed=seed)
    M = rand(p, p, seed=seed + 1) + 3 * torch.eye(p, dtype=torch.float64)  # invertible
    theta = principal_angles(A, A @ M)
    assert theta.shape == (p,) and theta.max() < 1e-6
    B = rand(D, p, seed=seed + 2)
    t = principal_angles(A, B)
    assert ((t >= 0) & (t <= math.pi / 2 + 1e-12)).all()
    torch.testing.assert_close(t, principal_angles(B, A))


# ---------------------------------------------------------------- training helpers
def test_moment_loss_matches_image_loss_with_and_without_bias():
    from encdec_lib.autoencoder import linear_ae_loss_from_moments
    X = rand(40, 7) + 2
    for bias in (True, False):
        torch.manual_seed(0)
        m = LinearAutoencoder(7, 3, bias=bias).double()
        direct = 0.5 * ((X - m(X)) ** 2).sum(1).mean()
        torch.testing.assert_close(linear_ae_loss_from_moments(m, X.mean(0), X.T @ X / 40), direct)


def test_fit_linear_autoencoder_reaches_pca():
    from encdec_lib.autoencoder import fit_linear_autoencoder
    X = rand(300, 6) * torch.tensor([4.0, 3, 2, 1, 0.5, 0.2], dtype=torch.float64) + 1
    m = fit_linear_autoencoder(X, 2, max_iter=200)
    pca = pca_fit(X, 2)
    assert principal_angles(m.W_d.detach(), pca.components.T).max() < 1e-3
    with torch.no_grad():
        torch.testing.assert_close(reconstruction_error(X, m(X)), pca.eigenvalues[2:].sum() * 299 / 300, rtol=1e-6, atol=0)
    with pytest.raises(ValueError, match="k=7"):
        fit_linear_autoencoder(X, 7)
    with pytest.raises(ValueError, match="^X "):
        fit_linear_autoencoder(X[0], 1)


# the variational autoencoder

def test_gaussian_kl_rejects_mismatched_shapes():
    from encdec_lib.autoencoder import gaussian_kl
    with pytest.raises(ValueError, match="mu and logvar"):
        gaussian_kl(torch.zeros(2, 3), torch.zeros(2, 4))
    with pytest.raises(ValueError, match="mu and logvar"):
        gaussian_kl(torch.zeros(3), [0.0, 0.0, 0.0])


def test_gaussian_kl_is_zero_only_at_the_prior_and_positive_elsewhere():
    from encdec_lib.autoencoder import gaussian_kl
    torch.manual_seed(0)
    mu, logvar = torch.randn(100, 4), torch.randn(100, 4)
    assert (gaussian_kl(mu, logvar) > 0).all()
    assert gaussian_kl(torch.zeros(4), torch.zeros(4)).item() == 0


def test_vae_shapes_batched_and_unbatched_and_bad_input():
    from encdec_lib.autoencoder import VAE, negative_elbo
    torch.manual_seed(0)
    vae = VAE(12, 3, hidden=(8, 5))
    logits, mu, logvar = vae(torch.rand(4, 12))
    assert logits.shape == (4, 12) and mu.shape == logvar.shape == (4, 3)
    logits, mu, _ = vae(torch.rand(12))  # one image
    assert logits.shape == (12,) and mu.shape == (3,)
    total, rec, kl = negative_elbo(vae, torch.rand(4, 12))
    assert total.shape == (4,) and (rec >= 0).all() and (kl >= 0).all()
    torch.testing.assert_close(total, rec + kl)
    with pytest.raises(ValueError, match="x"):
        vae(torch.rand(4, 11))
    with pytest.raises(ValueError, match="k"):
        VAE(12, 0)
