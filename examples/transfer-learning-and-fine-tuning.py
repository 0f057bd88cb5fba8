# ---
# title: Transfer learning and fine-tuning
# description: Reuse a network trained on digits 0-4 for digits 5-9, frozen and fine-tuned.
# difficulty: intermediate
# tags: [lab, neural-networks, scikit-learn]
# related: [transfer-learning, parameter-catalogue, hyperparameter-catalogue,
#   parameters-vs-hyperparameters]
# minutes: 40
# ---

# %% [markdown]
# # Transfer learning and fine-tuning
#
# *Transfer learning* reuses the [parameters](../glossary.md#parameter) a network
# learned on one task, the *source*, as the starting point for another, the *target*.
# In this lab you pre-train a small network on the digits 0–4, then reuse it for the
# digits 5–9 in two ways: **frozen**, as a fixed feature extractor with a new
# classifier on top, and **fine-tuned**, with every layer trained further on the new
# digits. You compare both with a network trained from scratch, on 20 to 400 target
# images, over five seeds, and you read the result honestly, whichever way it goes.
# At the end you see how deep-learning frameworks freeze layers and give layers their
# own learning rates, and what scikit-learn can and cannot show of that.
#
# **Prerequisites:** [the parameter catalogue](../guides/parameter-catalogue.md)
# (weights and biases of a network) and the
# [learning rate](../guides/hyperparameter-catalogue.md#learning-rate) in the
# hyperparameter catalogue. The experiment trains about 130 small networks; it is
# sized to finish within a minute on two cores.
#
# To run it yourself you need Python 3.11 or newer, these libraries, and Jupyter to
# open the notebook (the script runs with plain `python` too):
#
# ```console
# $ pip install scikit-learn numpy pandas matplotlib jupyterlab
# ```

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

# Every network below trains for a fixed number of epochs so that all methods get the
# same budget. scikit-learn warns when it stops at that limit rather than on its own
# criterion; here that is the intended behaviour, so the warning is silenced.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

# %% [markdown]
# ## Step 1: split the digits into a source and a target task
#
# The 1,797 digit images are 8×8 pixels with values from 0 to 16; dividing by 16 puts
# every pixel between 0 and 1. The source task is to tell 0–4 apart, the target task to
# tell 5–9 apart: the same kind of images, different classes. From the source you keep
# a fifth aside to check that pre-training worked. From the target you keep 40 % aside
# as the **evaluation set** on which every method is scored; the other 60 % is a pool
# from which the small training sets are drawn.

# %%
X, y = load_digits(return_X_y=True)
X = X / 16.0
is_source = y < 5
X_src, y_src = X[is_source], y[is_source]
X_tgt, y_tgt = X[~is_source], y[~is_source]

X_src_train, X_src_val, y_src_train, y_src_val = train_test_split(
    X_src, y_src, test_size=0.2, stratify=y_src, random_state=0
)
X_pool, X_eval, y_pool, y_eval = train_test_split(
    X_tgt, y_tgt, test_size=0.4, stratify=y_tgt, random_state=0
)
print(f"source: {len(y_src_train)} training, {len(y_src_val)} validation images (digits 0-4)")
print(f"target: a pool of {len(y_pool)} images, {len(y_eval)} for evaluation (digits 5-9)")

# %% [markdown]
# ## Step 2: pre-train on the source
#
# The network has one hidden layer of 64 units with the ReLU activation,
# $\operatorname{relu}(z) = \max(z, 0)$. Its parameters are two weight matrices and two
# bias vectors: `coefs_[0]` (64×64) and `intercepts_[0]` take the pixels to the hidden
# layer, `coefs_[1]` (64×5) and `intercepts_[1]` take the hidden layer to the five
# outputs.

# %%
HIDDEN = 64
pretrained = MLPClassifier(hidden_layer_sizes=(HIDDEN,), max_iter=300, random_state=0)
pretrained.fit(X_src_train, y_src_train)
print(f"source validation accuracy: {pretrained.score(X_src_val, y_src_val):.3f}")
print("layer shapes:", [W.shape for W in pretrained.coefs_])

W_hidden, b_hidden = pretrained.coefs_[0], pretrained.intercepts_[0]

# %% [markdown]
# The network tells 0–4 apart without a single mistake on the 181 validation images.
# What you want from it is the first layer: 64 features of the pixel patterns, learned
# to separate 0–4, which might be useful for other digits too. The output layer is of
# no use for the target: its five units mean "0" to "4".

# %% [markdown]
# ## Step 3: the frozen network as a feature extractor
#
# scikit-learn has no method that returns a hidden layer's output, but you have the
# parameters, so you compute it yourself: $h = \operatorname{relu}(X W_0 + b_0)$. To be
# sure the formula is right, push the source validation images through both layers by
# hand (the output layer applies softmax) and compare with `predict_proba`.


# %%
def hidden_features(X):
    """The pre-trained hidden layer's output: relu(X @ W0 + b0)."""
    return np.maximum(X @ W_hidden + b_hidden, 0.0)


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    return np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)


by_hand = softmax(hidden_features(X_src_val) @ pretrained.coefs_[1] + pretrained.intercepts_[1])
print(
    "forward pass by hand matches predict_proba:",
    np.allclose(by_hand, pretrained.predict_proba(X_src_val)),
)

# %% [markdown]
# Now *freeze* the hidden layer, which here simply means: compute its output once and
# never change $W_0$ and $b_0$ again. Put a new classifier, the *head*, on top. A
# multinomial logistic regression on the 64 hidden features is exactly a new softmax
# output layer, trained on its own (with scikit-learn's default L2 penalty). As a
# reference, the same head on the 64 raw pixels shows whether the pre-trained features
# add anything. Here with 100 target images:

# %%
rows, _ = train_test_split(np.arange(len(y_pool)), train_size=100, stratify=y_pool, random_state=0)
X_small, y_small = X_pool[rows], y_pool[rows]

frozen_head = LogisticRegression(max_iter=2000).fit(hidden_features(X_small), y_small)
raw_head = LogisticRegression(max_iter=2000).fit(X_small, y_small)
print(f"frozen features + new head: {frozen_head.score(hidden_features(X_eval), y_eval):.3f}")
print(f"raw pixels + new head:      {raw_head.score(X_eval, y_eval):.3f}")

# %% [markdown]
# On this one draw of 100 images, the pre-trained features do *worse* than the raw
# pixels. One draw proves little; Step 5 repeats the comparison with five draws at
# every size.

# %% [markdown]
# ## Step 4: fine-tune the whole network
#
# Fine-tuning starts from the pre-trained weights and keeps training *all* of them on
# the target. The target has its own five classes, so it needs a new output layer; the
# hidden layer comes from pre-training. scikit-learn builds a network's arrays the
# first time it sees data, so the recipe takes three moves:
#
# 1. create a fresh `MLPClassifier` with the same hidden size and `warm_start=True`
#    (later calls to `fit` continue from the current weights instead of starting over),
#    and call `partial_fit` once on the target data with `classes=[5, 6, 7, 8, 9]`.
#    This one pass only serves to make scikit-learn build every array with the right
#    shape; the output layer it leaves behind is close to its random start, which is
#    what a new head should be;
# 2. copy the pre-trained hidden layer into `coefs_[0]` and `intercepts_[0]`, writing
#    *into* the existing arrays (`[...] =`), so that every reference to them sees the
#    new values;
# 3. call `fit`, which now trains all layers from there.
#
# One trap: `fit` stops early when the training loss has not improved on the *best
# loss seen so far* for `n_iter_no_change` epochs (10 by default), and the throwaway
# pass already set that best loss, with the random hidden layer in place. Swapping in
# the pre-trained layer under a random head can make the loss *higher* for a while, and
# then training stops after about ten epochs. Setting `n_iter_no_change` equal to
# `max_iter` switches the rule off: every network below trains for exactly `EPOCHS`
# epochs. The cell shows the trap with the default rule, then the recipe with the rule
# switched off, next to a network trained from scratch.

# %%
EPOCHS = 150
TARGET_CLASSES = np.array([5, 6, 7, 8, 9])


def new_network(lr, seed, patience=EPOCHS):
    """An untrained network; with patience=EPOCHS it trains for exactly EPOCHS epochs."""
    return MLPClassifier(
        hidden_layer_sizes=(HIDDEN,),
        learning_rate_init=lr,
        max_iter=EPOCHS,
        n_iter_no_change=patience,
        warm_start=True,
        random_state=seed,
    )


def fine_tune(X_train, y_train, lr, seed, head=None, patience=EPOCHS):
    """Copy in the pre-trained hidden layer (and optionally a trained head), then train."""
    net = new_network(lr, seed, patience)
    net.partial_fit(X_train, y_train, classes=TARGET_CLASSES)  # builds the arrays
    net.coefs_[0][...] = W_hidden
    net.intercepts_[0][...] = b_hidden
    if head is not None:  # start the output layer from a logistic-regression head
        net.coefs_[1][...] = head.coef_.T
        net.intercepts_[1][...] = head.intercept_
    return net.fit(X_train, y_train)


trap = fine_tune(X_small, y_small, lr=1e-3, seed=0, patience=10)
loss = trap.loss_curve_  # loss_curve_[0] comes from the throwaway pass
print(f"loss after the throwaway pass {loss[0]:.3f}, after the swap {loss[1]:.3f}")
print(f"default rule:     {trap.score(X_eval, y_eval):.3f} after {trap.n_iter_} epochs")

tuned = fine_tune(X_small, y_small, lr=1e-3, seed=0)
scratch = new_network(1e-3, seed=0).fit(X_small, y_small)
print(f"fine-tuned:       {tuned.score(X_eval, y_eval):.3f} after {tuned.n_iter_} epochs")
print(f"from scratch:     {scratch.score(X_eval, y_eval):.3f} after {scratch.n_iter_} epochs")

# %% [markdown]
# With the default rule, the loss jumps from 1.608 to 2.126 when the pre-trained layer
# goes in, training stops after 11 epochs, and the network scores 0.298, barely above
# the 0.2 of guessing among five classes. With the rule switched off, the fine-tuned
# network and the one trained from scratch have the same shape, learning rate (0.001),
# seed and 150 epochs; the only difference is where the hidden layer started. Here
# they end up level. `fine_tune` also
# accepts a trained `head`: copying a logistic regression's `coef_` (transposed) and
# `intercept_` into the output layer gives the two-stage recipe you meet in Step 6,
# "train the new head first, then fine-tune everything".

# %% [markdown]
# ## Step 5: a learning curve over the number of target images
#
# Transfer learning is meant to help most when target data are scarce, so measure it
# there. For each training-set size from 20 to 400 images, and for each of five seeds
# (which change both the images drawn and the networks' random starts), you train:
#
# - **scratch**: a new network, learning rate 0.001 (Adam's default);
# - **frozen + head**: pre-trained features with a logistic-regression head (Step 3);
# - **raw pixels + head**: the same head on the pixels, as a reference;
# - **fine-tune, lr …**: Step 4's recipe at learning rates 0.0003, 0.001 and 0.01;
# - **head, then fine-tune**: the frozen model's head copied into the network, then
#   everything fine-tuned at the small learning rate 0.0003.
#
# Every method is scored on the same evaluation set. Nothing is chosen by that score:
# all methods are reported.

# %%
sizes = [20, 50, 100, 200, 400]
seeds = range(5)
F_eval = hidden_features(X_eval)
records = []
for seed in seeds:
    for n in sizes:
        rows, _ = train_test_split(
            np.arange(len(y_pool)), train_size=n, stratify=y_pool, random_state=seed
        )
        X_n, y_n = X_pool[rows], y_pool[rows]
        head = LogisticRegression(max_iter=2000).fit(hidden_features(X_n), y_n)
        scores = {
            "scratch": new_network(1e-3, seed).fit(X_n, y_n).score(X_eval, y_eval),
            "frozen + head": head.score(F_eval, y_eval),
            "raw pixels + head": LogisticRegression(max_iter=2000)
            .fit(X_n, y_n)
            .score(X_eval, y_eval),
        }
        for lr in [3e-4, 1e-3, 1e-2]:
            scores[f"fine-tune, lr {lr:g}"] = fine_tune(X_n, y_n, lr, seed).score(X_eval, y_eval)
        scores["head, then fine-tune"] = fine_tune(X_n, y_n, 3e-4, seed, head=head).score(
            X_eval, y_eval
        )
        records += [
            {"method": m, "n": n, "seed": seed, "accuracy": acc} for m, acc in scores.items()
        ]

runs = pd.DataFrame(records)
summary = runs.groupby(["method", "n"])["accuracy"].agg(["mean", "std"]).round(3)
table = summary["mean"].map("{:.3f}".format) + " ± " + summary["std"].map("{:.3f}".format)
print(table.unstack("n").to_string())

# %% [markdown]
# Each cell is the mean accuracy on the evaluation set over five seeds, ± the standard
# deviation across seeds. Two figures make the table easier to read: first the
# fine-tuning learning rates against training from scratch, then the main comparison.

# %%
# alt: Fine-tuning at lr 0.01 matches scratch; at 0.001 it is slightly worse, at 0.0003 far worse.
fig, ax = plt.subplots(figsize=(7, 4))
means = summary["mean"].unstack("n")
stds = summary["std"].unstack("n")
for i, method in enumerate(
    ["scratch", "fine-tune, lr 0.01", "fine-tune, lr 0.001", "fine-tune, lr 0.0003"]
):
    ax.errorbar(
        sizes,
        means.loc[method],
        yerr=stds.loc[method],
        marker="o",
        capsize=3,
        color=f"C{i}",
        label=method,
    )
ax.set(
    xscale="log",
    xlabel="number of target training images (log scale)",
    ylabel="accuracy on digits 5-9 (mean ± sd, 5 seeds)",
)
ax.set_xticks(sizes, labels=[str(n) for n in sizes])
ax.minorticks_off()
ax.legend(loc="lower right")
ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %%
# alt: Scratch and raw pixels lead at all sizes; frozen features trail; head-then-fine-tune between.
fig, ax = plt.subplots(figsize=(7, 4))
styles = {
    "scratch": ("C0", "-"),
    "frozen + head": ("C1", "-"),
    "head, then fine-tune": ("C2", "-"),
    "raw pixels + head": ("C7", "--"),
}
for method, (color, line) in styles.items():
    ax.errorbar(
        sizes,
        means.loc[method],
        yerr=stds.loc[method],
        marker="o",
        capsize=3,
        color=color,
        linestyle=line,
        label=method,
    )
ax.set(
    xscale="log",
    xlabel="number of target training images (log scale)",
    ylabel="accuracy on digits 5-9 (mean ± sd, 5 seeds)",
)
ax.set_xticks(sizes, labels=[str(n) for n in sizes])
ax.minorticks_off()
ax.legend(loc="lower right")
ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# The ± in the table is how much one seed's score varies, not the uncertainty of a
# difference between two methods. The seeds are paired: seed 3 draws the same images for
# every method. So compare each method with training from scratch seed by seed, and
# summarise the five differences by their mean ± their standard error (their standard
# deviation over √5). A difference more than about two standard errors from zero is one
# these five seeds can see; a smaller one is not distinguishable from no difference.
# The seeds' draws overlap more as the training sets grow (400 images come from the
# same pool every time), so at the larger sizes these standard errors flatter the
# differences a little.

# %%
wide = runs.pivot_table(index=["n", "seed"], columns="method", values="accuracy")
against_scratch = wide.drop(columns="scratch").sub(wide["scratch"], axis=0)
mean = against_scratch.groupby("n").mean().T
sem = against_scratch.groupby("n").sem().T
print("method minus scratch, paired by seed (mean ± standard error)")
print((mean.map("{:+.3f}".format) + " ± " + sem.map("{:.3f}".format)).to_string())

# %% [markdown]
# ## What the numbers say
#
# On this pair of tasks, **transfer did not help**:
#
# - No method that starts from the pre-trained layer is ahead of training from scratch at
#   any size. Fine-tuning at learning rate 0.01 is never distinguishable from scratch
#   (every paired difference is within two standard errors of zero), and every other
#   transfer method is behind by more than two standard errors at most sizes. Scratch
#   goes from 0.861 with 20 images to 0.977 with 400. The plain logistic regression on
#   pixels is ahead of the network with 20 images (+0.023 ± 0.008), level with it from
#   50 to 200, and behind with 400 (−0.006 ± 0.001).
# - The frozen features are *worse* than the raw pixels with the same head at every
#   size (0.758 against 0.884 with 20 images). The 64 hidden units learned what
#   separates 0–4; they threw away pixel information that separates 5–9, and no head
#   can get it back.
# - Fine-tuning everything at learning rate 0.01 behaves like training from scratch
#   (0.858 against 0.861 with 20 images, 0.977 for both with 400): steps that large
#   move the weights far from where pre-training left them. At 0.001 it is behind
#   scratch at every size, by 0.006 to 0.019, more than two standard errors at three
#   of the five sizes. At 0.0003 it is far worse, because one learning
#   rate serves both layers: small enough to preserve the pre-trained layer, it is
#   also too small for the new, random head to learn in 150 epochs.
# - Training the head first and then fine-tuning at 0.0003 removes that problem and
#   beats the frozen model at every size (0.812 against 0.758 with 20 images), but it
#   still does not beat scratch.
#
# Why no gain? The target task is easy for this network: 8×8 digits with 20 examples
# are already enough for 0.86 from scratch, and the source task is small and different.
# Transfer pays when the source is much larger than the target and its features are
# general, as with image networks pre-trained on millions of photos (Yosinski et al.,
# 2014, study how transferable features are layer by layer). Five digit classes with
# 720 training images are neither. Running the comparison before trusting transfer is the
# lesson, whichever way it comes out.

# %% [markdown]
# ## Step 6: freezing and per-layer learning rates in deep-learning frameworks
#
# In PyTorch or Keras you do all of this inside one network, and the two words mean
# something precise:
#
# - **Freezing a layer** excludes its parameters from training: the optimiser never
#   updates them, although data still flow through them. In PyTorch you set
#   `param.requires_grad = False` on each of the layer's parameters (or leave them out
#   of the optimiser); in Keras you set `layer.trainable = False` and compile the model
#   again so the change takes effect
#   ([PyTorch autograd notes](https://pytorch.org/docs/stable/notes/autograd.html#setting-requires-grad),
#   [Keras guide to transfer learning](https://keras.io/guides/transfer_learning/)).
# - **A smaller learning rate for the pre-trained layers**, called *discriminative
#   fine-tuning* by Howard and Ruder (2018), gives each layer or group of layers its own
#   step size: small for the pre-trained body, larger for the new head. In PyTorch you
#   pass the optimiser a list of *parameter groups*, one dictionary per group with its
#   own learning rate, such as `{"params": body.parameters(), "lr": 1e-4}` for the body
#   and `{"params": head.parameters(), "lr": 1e-3}` for the head
#   ([PyTorch: per-parameter options](https://pytorch.org/docs/stable/optim.html#per-parameter-options)).
#   The Keras guide reaches a similar effect in two stages: train the new head with the
#   base frozen, then unfreeze and train everything with a very low learning rate.
#
# What scikit-learn can show, you did above: a frozen feature extractor (by computing
# the hidden layer yourself and training a separate head), fine-tuning of all layers at
# one learning rate, and the two-stage "head first, then everything" recipe. What it
# cannot show: `MLPClassifier` always updates every layer during `fit`, so you cannot
# freeze one layer *inside* its training, and it has one `learning_rate_init` for all
# layers, so per-layer learning rates, gradual unfreezing and layer-wise schedules are
# out of reach. The fine-tuning result at 0.0003 is exactly the failure that per-layer
# learning rates exist to prevent.

# %% [markdown]
# ## What you found
#
# - You reused a pre-trained network two ways: frozen, as fixed features under a new
#   logistic-regression head, and fine-tuned, with a new output layer and all weights
#   trained on.
# - Here, transfer from digits 0–4 to 5–9 never beat training from scratch by more
#   than the noise (0.861 against at best 0.858 with 20 images, 0.977 for both with
#   400), and frozen features were worse than raw pixels at every size.
# - The learning rate decided how fine-tuning behaved: large rates erased the
#   pre-training, small ones starved the new head, and training the head first fixed the
#   latter. With one learning rate for all layers, that two-stage trick is the closest
#   scikit-learn gets to discriminative fine-tuning.
#
# ## Try next
#
# - Make the source more general: pre-train on a wider hidden layer (256 units), or on
#   digits 0–4 with small random shifts of the images, and check whether the frozen
#   features now beat the raw pixels.
# - Make the target harder: add noise to the target images only (for example
#   `X_tgt + np.random.default_rng(0).normal(0, 0.3, X_tgt.shape)`) and see whether the
#   pre-trained layer helps when pixels alone are less reliable.
#
# ## Sources
#
# - Yosinski, J., Clune, J., Bengio, Y. and Lipson, H. (2014).
#   [How transferable are features in deep neural networks?](https://arxiv.org/abs/1411.1792)
#   *NeurIPS 27*: how features turn from general to task-specific with depth.
# - Howard, J. and Ruder, S. (2018).
#   [Universal language model fine-tuning for text classification](https://aclanthology.org/P18-1031/).
#   *ACL 2018*: discriminative fine-tuning and gradual unfreezing.
# - Kumar, A. et al. (2022).
#   [Fine-tuning can distort pretrained features and underperform out-of-distribution](https://arxiv.org/abs/2202.10054).
#   *ICLR 2022*: why training the head before fine-tuning everything helps.
# - scikit-learn: [`MLPClassifier`](https://scikit-learn.org/stable/modules/generated/sklearn.neural_network.MLPClassifier.html)
#   (`warm_start`, `partial_fit`, `n_iter_no_change`).
