# ---
# title: Inspect what a model learned
# description: Refit linear models on resampled rows and find which coefficients you can trust.
# difficulty: beginner
# tags: [lab, fundamentals, regularisation, scikit-learn]
# related: [parameters-vs-hyperparameters, parameter-catalogue, hyperparameter-catalogue]
# minutes: 25
# ---

# %% [markdown]
# # Inspect what a model learned
#
# In this lab you open two fitted linear models, read the numbers `fit` put inside them,
# and then test those numbers: you refit each model many times on resampled rows and
# watch which coefficients hold still and which ones swing, even change sign. You then
# turn up [regularisation](../glossary.md#regularisation) and measure how much steadier
# the coefficients become, and you finish with a table that sorts every coefficient
# into "stable" or "unstable" by a rule you can apply to your own models.
#
# **Prerequisites:** [Parameters vs hyperparameters](../guides/parameters-vs-hyperparameters.md).
#
# The section on coefficients in [the parameter
# catalogue](../guides/parameter-catalogue.md#coefficients-of-linear-and-logistic-regression),
# a reference page, says more about what each coefficient means, if you want it.
# The whole notebook runs in well under a minute.
#
# To run it yourself you need Python 3.11 or newer, these libraries, and Jupyter to
# open the notebook (the script runs with plain `python` too):
#
# ```console
# $ pip install scikit-learn numpy pandas matplotlib jupyterlab
# ```

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

# %% [markdown]
# ## Step 1: read a linear regression's coefficients
#
# The diabetes data has 442 patients, ten measurements each, and a target that scores
# how far the disease progressed one year later. scikit-learn ships the features
# already centred and scaled: every column has mean 0 and the same size (its squares sum
# to 1), as the
# [dataset's description](https://scikit-learn.org/stable/datasets/toy_dataset.html#diabetes-dataset)
# says. That matters here, because it makes the coefficients comparable with each
# other: each one is the change in the prediction when its feature moves by the same
# amount.
#
# A *coefficient* (`coef_`) is the weight `fit` learns for one feature; the
# *intercept* (`intercept_`) is the prediction when every feature is 0. Both are
# [parameters](../glossary.md#parameter): you never set them, `fit` computes them.

# %%
diabetes = load_diabetes()
X_dia, y_dia = diabetes.data, diabetes.target
names = diabetes.feature_names

print("column means all 0:", np.allclose(X_dia.mean(axis=0), 0))
print("column sums of squares:", (X_dia**2).sum(axis=0).round(3))

ols = LinearRegression().fit(X_dia, y_dia)
print(pd.Series(ols.coef_, index=names, name="coef_").round(1).to_string())
print(f"intercept_: {ols.intercept_:.1f}")
print(f"mean of y:  {y_dia.mean():.1f}")

# %% [markdown]
# The intercept equals the mean target: with centred features, "every feature at 0"
# is the average patient, and the best prediction for the average patient is the
# average outcome. The largest weights belong to `s1` (−792) and `s5` (+751). The
# dataset's description lists `s1` as total serum cholesterol and `s2` (+477) as LDL
# cholesterol, two blood-cholesterol measurements. Keep an eye on that pair: one pushes
# the prediction down hard and the other pushes it up hard.

# %% [markdown]
# ## Step 2: read a logistic regression's coefficients
#
# Logistic regression learns the same kind of numbers for a classification task, but
# they add up to the *log-odds* of the positive class, $\ln\bigl(p / (1 - p)\bigr)$,
# rather than to the prediction itself. The breast cancer features come in very
# different units, so you standardise them first (each column to mean 0 and standard
# deviation 1) inside a `Pipeline`. After that, a coefficient is the change in log-odds
# when its feature rises by one standard deviation, all other features held fixed.

# %%
cancer = load_breast_cancer()
X_bc, y_bc = cancer.data, cancer.target

logreg = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000)).fit(X_bc, y_bc)
clf = logreg[-1]  # the last step of the pipeline holds the learned weights
print("coef_ shape:", clf.coef_.shape, "  intercept_:", clf.intercept_.round(3))
print("positive class (1):", cancer.target_names[1])
top = pd.Series(clf.coef_[0], index=cancer.feature_names)
print(top.reindex(top.abs().sort_values(ascending=False).index).head(6).round(3).to_string())
radius_area = np.corrcoef(X_bc[:, 20], X_bc[:, 23])[0, 1]  # columns 20 and 23
print(
    f"correlation of {cancer.feature_names[20]} and {cancer.feature_names[23]}: {radius_area:.3f}"
)

# %% [markdown]
# `coef_` has one row (two classes need one set of log-odds) and 30 columns, one per
# feature. The largest weights are all negative: a larger value of any of them moves
# the prediction away from benign, towards malignant. Notice `worst radius` and
# `worst area`: the area of a roughly round cell follows from its radius, and the two
# columns correlate at 0.98, so they carry almost the same information. A single fit
# cannot tell you how the model would have shared the weight between them on slightly
# different data. The next steps can.

# %% [markdown]
# ## Step 3: refit on bootstrap samples
#
# A *bootstrap sample* is a data set of the same size as yours, drawn from your rows
# **with replacement**: some rows appear twice or more, about a third not at all
# (Efron, 1979). Each one is a plausible alternative version of the data you could
# have collected. Refit the model on 200 of them and you get 200 sets of coefficients;
# how far they scatter is how much each coefficient depends on the luck of which rows
# you happened to have.
#
# The rows for every bootstrap sample are drawn once, from a generator with a fixed
# seed, and reused below so that every model sees exactly the same resamples.

# %%
rng = np.random.default_rng(0)
n_boot = 200
boot_rows = [rng.integers(0, len(y_dia), size=len(y_dia)) for _ in range(n_boot)]


def bootstrap_coefs(model, X, y, rows_list):
    """Refit `model` on each resample and stack its coefficients, one row per refit."""
    return np.array([model.fit(X[rows], y[rows]).coef_.ravel().copy() for rows in rows_list])


left_out = 1 - len(np.unique(boot_rows[0])) / len(y_dia)
print(f"share of rows missing from the first bootstrap sample: {left_out:.3f}")

ols_boot = bootstrap_coefs(LinearRegression(), X_dia, y_dia, boot_rows)
summary = pd.DataFrame(
    {
        "full data": ols.coef_,
        "boot mean": ols_boot.mean(axis=0),
        "boot sd": ols_boot.std(axis=0),
        "2.5 %": np.percentile(ols_boot, 2.5, axis=0),
        "97.5 %": np.percentile(ols_boot, 97.5, axis=0),
    },
    index=names,
)
print(summary.round(1))

# %% [markdown]
# The last two columns hold the middle 95 % of the 200 refits. For `sex`, `bmi`, `bp`
# and `s5` the whole range stays on one side of zero and is narrow compared with the coefficient.
# For `s1` and `s2` the standard deviation is in the hundreds, far larger than for any
# other feature, and for `age`, `s2`, `s3`, `s4` and `s6` the range crosses zero: the
# data cannot even settle their sign. The figure shows the same thing at a glance.

# %%
# alt: In 200 refits bmi, bp and s5 stay clear of zero; s1 and s2 spread over 1000 units.
fig, ax = plt.subplots(figsize=(7, 4))
ax.boxplot(
    ols_boot,
    orientation="horizontal",
    tick_labels=names,
    whis=(2.5, 97.5),
    showfliers=False,
    patch_artist=True,
    boxprops={"facecolor": "tab:blue", "alpha": 0.4, "edgecolor": "tab:blue"},
    medianprops={"color": "tab:blue"},
    whiskerprops={"color": "tab:blue"},
    capprops={"color": "tab:blue"},
)
ax.scatter(
    ols.coef_,
    np.arange(1, len(names) + 1),
    color="tab:orange",
    zorder=3,
    label="fit on all 442 rows",
)
ax.axvline(0, color="tab:gray", linewidth=1)
ax.set(xlabel="coefficient (whiskers: middle 95 % of 200 bootstrap refits)", ylabel="feature")
ax.invert_yaxis()
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Step 4: refit on slices of the rows
#
# Bootstrap samples still contain most of your rows. A harsher test is to fit on
# separate, smaller pieces of the data: here the four consecutive quarters of the rows
# as they are stored, about 110 patients each. If a coefficient means something stable
# about the patients, each quarter should roughly agree on it.

# %%
quarters = np.array_split(np.arange(len(y_dia)), 4)
by_slice = pd.DataFrame(
    {
        f"rows {rows[0]}-{rows[-1]}": LinearRegression().fit(X_dia[rows], y_dia[rows]).coef_
        for rows in quarters
    },
    index=names,
)
print(by_slice.round(0))

# %% [markdown]
# `bmi`, `bp` and `s5` stay positive in every quarter, `bmi` at almost the same size;
# `sex` stays negative. `s1` swings from −1592 to +565 and `s2` from −786 to +1153,
# each changing sign, and `age`, `s3`, `s4` and `s6` change sign too. With a quarter
# of the rows, the same model tells four different stories about the cholesterol
# features.

# %% [markdown]
# ## Step 5: turn up regularisation and measure the spread
#
# `Ridge` is linear regression with an L2 penalty, $\alpha \sum_j w_j^2$, added to the
# squared error (Hoerl and Kennard, 1970). The
# [hyperparameter](../glossary.md#hyperparameter) `alpha` sets how much large weights
# cost. Below, each `alpha` gets the same 200 bootstrap samples as before, and you
# record two things: the bootstrap standard deviation of every coefficient, and the
# cross-validated $R^2$ (5 folds), so that you can see what the steadiness costs in
# accuracy. An `alpha` of $10^{-4}$ is so small that `Ridge` behaves like plain
# linear regression.

# %%
alphas = [1e-4, 1e-3, 1e-2, 1e-1, 1.0]
cv = KFold(n_splits=5, shuffle=True, random_state=0)
ridge_sd, ridge_boot, rows_out = {}, {}, []
for alpha in alphas:
    boot = bootstrap_coefs(Ridge(alpha=alpha), X_dia, y_dia, boot_rows)
    ridge_boot[alpha], ridge_sd[alpha] = boot, boot.std(axis=0)
    r2 = cross_val_score(Ridge(alpha=alpha), X_dia, y_dia, cv=cv)
    rows_out.append(
        {
            "alpha": alpha,
            "CV R2": r2.mean(),
            "sd of s1": ridge_sd[alpha][names.index("s1")],
            "sd of s2": ridge_sd[alpha][names.index("s2")],
            "median sd": np.median(ridge_sd[alpha]),
        }
    )
ridge_table = pd.DataFrame(rows_out)
shown = ridge_table.assign(alpha=ridge_table["alpha"].map("{:g}".format))
print(shown.round(3).to_string(index=False))

# the strongest penalty whose CV R2 is within 0.005 of the best one
best_r2 = ridge_table["CV R2"].max()
chosen_alpha = ridge_table.loc[ridge_table["CV R2"] >= best_r2 - 0.005, "alpha"].max()
print(f"strongest alpha within 0.005 of the best CV R2: {chosen_alpha}")

# %%
# alt: As Ridge alpha grows to 1, the spread of s1 and s2 falls from 390 and 310 to 20.
fig, ax = plt.subplots(figsize=(7, 4))
sd_table = pd.DataFrame(ridge_sd, index=names).T
for i, name in enumerate(names):
    ax.plot(sd_table.index, sd_table[name], marker="o", color=f"C{i}", label=name)
ax.set(
    xscale="log",
    xlabel="Ridge alpha (regularisation strength)",
    ylabel="bootstrap sd of the coefficient",
)
ax.legend(ncols=2, fontsize="small", loc="upper right")
fig.tight_layout()
plt.show()

# %% [markdown]
# Up to `alpha = 0.01` the cross-validated $R^2$ does not move (0.489), and at
# `alpha = 0.1` it is still 0.488, while the spread of `s1` falls from about 390 to
# about 40, ninefold. Regularisation bought steadier coefficients almost for free. At
# `alpha = 1` the penalty starts to cost accuracy ($R^2$ 0.420): the weights are now
# held so close to zero that the model misses real signal. Part of the falling spread
# is simply that all weights get smaller; Step 7 uses measures relative to each
# coefficient's size, which do not have that problem.

# %% [markdown]
# ## Step 6: the same for logistic regression and C
#
# In `LogisticRegression` the strength is set the other way round: `C` is the
# *inverse* of the penalty, so a small `C` means strong regularisation. Here each `C`
# gets 100 bootstrap samples of the breast cancer rows. Besides the standard deviation
# you count the coefficients whose sign disagrees with the full-data fit in more than
# 5 % of the refits, a measure that does not shrink just because the weights do.

# %%
bc_rows = [rng.integers(0, len(y_bc), size=len(y_bc)) for _ in range(100)]
Cs = [0.01, 0.1, 1.0, 10.0, 100.0]
logreg_rows = []
for C in Cs:
    pipe = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=5000))
    full = pipe.fit(X_bc, y_bc)[-1].coef_.ravel().copy()
    boot = np.array([pipe.fit(X_bc[r], y_bc[r])[-1].coef_.ravel().copy() for r in bc_rows])
    sd = boot.std(axis=0)
    sign_agreement = (np.sign(boot) == np.sign(full)).mean(axis=0)
    logreg_rows.append(
        {
            "C": C,
            "median |coef|": np.median(np.abs(full)),
            "median sd": np.median(sd),
            "largest sd": sd.max(),
            "sign flips > 5 %": int((sign_agreement < 0.95).sum()),
        }
    )
logreg_table = pd.DataFrame(logreg_rows)
print(logreg_table.round(3).to_string(index=False))

# %%
# alt: Spread and sign flips of the 30 weights grow with C: 3 unstable signs at 0.01, 21 at 100.
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(Cs, logreg_table["median sd"], marker="o", color="tab:blue", label="median sd")
ax.plot(Cs, logreg_table["largest sd"], marker="s", color="tab:orange", label="largest sd")
ax.set(
    xscale="log",
    yscale="log",
    xlabel="C (inverse regularisation strength)",
    ylabel="bootstrap sd of the coefficients",
)
flips = ax.twinx()
flips.plot(
    Cs,
    logreg_table["sign flips > 5 %"],
    marker="^",
    linestyle="--",
    color="tab:green",
    label="coefficients with unstable sign",
)
flips.set(ylabel="coefficients with unstable sign (of 30)", ylim=(0, 30))
lines = ax.get_legend_handles_labels()[0] + flips.get_legend_handles_labels()[0]
ax.legend(lines, [line.get_label() for line in lines], loc="upper left")
fig.tight_layout()
plt.show()

# %% [markdown]
# Weak regularisation (large `C`) lets the 30 weights grow, and it lets them wander:
# at `C = 100` the refits disagree about the sign of 21 of the 30 coefficients. At
# `C = 0.01` only 3 are unstable in sign. The pattern is the same as with `Ridge`, in
# the other direction because `C` is an inverse. Which `C` to use is a separate
# question, answered by a validation score as in
# [Train, validation and test](../guides/train-validation-test.md); stability is a
# side effect worth knowing about, not the goal of tuning.

# %% [markdown]
# ## Step 7: sort the coefficients into stable and unstable
#
# Now put a rule on it. Call a coefficient **stable** when both hold:
#
# 1. **sign agreement ≥ 0.95**: at least 95 % of the bootstrap refits give it the same
#    sign as the fit on all the data;
# 2. **coefficient of variation ≤ 1/3**: its bootstrap standard deviation is at most a
#    third of the size of its bootstrap mean. The *coefficient of variation* is
#    sd / |mean|, the spread measured in units of the coefficient itself, so it does
#    not shrink just because regularisation shrinks everything.
#
# The thresholds are a choice, not a law; stricter ones give a shorter list. You apply
# the rule to plain linear regression and to `Ridge` with the `chosen_alpha` from
# Step 5 (0.1), the strongest penalty whose cross-validated $R^2$ was within 0.005 of
# the best.


# %%
def stability_table(full_coefs, boot, index):
    """Sign agreement, coefficient of variation and a stable/unstable verdict per feature."""
    agreement = (np.sign(boot) == np.sign(full_coefs)).mean(axis=0)
    variation = boot.std(axis=0) / np.abs(boot.mean(axis=0))
    verdict = np.where((agreement >= 0.95) & (variation <= 1 / 3), "stable", "unstable")
    return pd.DataFrame(
        {
            "coef": full_coefs.round(1),
            "sign agr.": agreement.round(3),
            "coef var.": variation.round(3),
            "verdict": verdict,
        },
        index=index,
    )


ridge = Ridge(alpha=chosen_alpha).fit(X_dia, y_dia)
table = pd.concat(
    {
        "linear regression": stability_table(ols.coef_, ols_boot, names),
        f"ridge, alpha={chosen_alpha}": stability_table(
            ridge.coef_, ridge_boot[chosen_alpha], names
        ),
    },
    axis=1,
)
print(table.to_string())
for model in table.columns.levels[0]:
    stable = table.index[table[(model, "verdict")] == "stable"]
    print(f"stable in {model}: {', '.join(stable)}")

# %% [markdown]
# Without regularisation four coefficients pass: `sex`, `bmi`, `bp` and `s5`. `s1`
# keeps its sign in 97.5 % of the refits, but its spread is half its size, so it fails
# the second test. With `alpha = 0.1`, `s3` joins the stable group, and with the
# opposite sign: −189 instead of +101. `s1` and `s2` stay unstable, but both now sit
# near −80 instead of at −792 and +477. The features that move are the cholesterol
# measurements; the next step shows why.

# %% [markdown]
# ## Step 8: why the cholesterol coefficients swing
#
# The correlation between `s1` and `s2` is the key. When two features rise and fall
# together, the model can get nearly the same predictions from many pairs of weights:
# a larger weight on one and a more negative weight on the other cancel out on the
# rows where both are high. Training picks one pair; a slightly different sample picks
# another. Plot each bootstrap refit as one point, its `s1` weight against its `s2`
# weight, and you see the trade.

# %%
corr = pd.DataFrame(X_dia, columns=names).corr()
pairs = corr.where(np.triu(np.ones(corr.shape, dtype=bool), k=1)).stack()
print("most correlated feature pairs:")
print(pairs.reindex(pairs.abs().sort_values(ascending=False).index).head(4).round(2).to_string())

s1, s2 = names.index("s1"), names.index("s2")
trade = np.corrcoef(ols_boot[:, s1], ols_boot[:, s2])[0, 1]
print(f"correlation of the s1 and s2 weights across the 200 refits: {trade:.2f}")
print(
    f"bootstrap sd of s1: {ols_boot[:, s1].std():.0f}, of s2: {ols_boot[:, s2].std():.0f}, "
    f"of s1 + s2: {(ols_boot[:, s1] + ols_boot[:, s2]).std():.0f}"
)

# %%
# alt: Refits trade s1 against s2 along a long downward line; Ridge shrinks it to a small cloud.
fig, ax = plt.subplots(figsize=(7, 4))
ax.scatter(
    ols_boot[:, s1], ols_boot[:, s2], s=12, alpha=0.6, color="tab:blue", label="linear regression"
)
ax.scatter(
    ridge_boot[chosen_alpha][:, s1],
    ridge_boot[chosen_alpha][:, s2],
    s=12,
    alpha=0.6,
    color="tab:orange",
    label=f"Ridge, alpha = {chosen_alpha}",
)
ax.set(xlabel="s1 coefficient (total cholesterol)", ylabel="s2 coefficient (LDL)")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# Without the penalty the points lie along a line that runs down to the right: when a
# refit gives `s1` a more negative weight, it gives `s2` a more positive one (the two
# weights correlate at −0.96 across refits). The data fix the *sum* of the two weights
# far better than either weight (a standard deviation of 123 against 393 and 314); how
# the sum is split between them, they hardly fix at all. The L2 penalty prefers the
# split with the smallest squared weights, which shares the effect between correlated
# features, so the cloud collapses. The same logic explains the breast cancer model,
# where radius, perimeter and area measure the size of the same cells.

# %% [markdown]
# ## What you found
#
# - `coef_` and `intercept_` are what `fit` learned; with centred features the
#   intercept is the mean target, and a coefficient on standardised features is the
#   effect of one standard deviation of its feature, others held fixed.
# - One fit hides how much a coefficient depends on the sample. Bootstrap refits showed
#   that in plain linear regression on the diabetes data, `s1` and `s2` vary by
#   several hundred units, and slices of a quarter of the rows even flip their signs.
# - Regularisation steadied the coefficients: with `Ridge(alpha=0.1)` the spread of `s1`
#   fell ninefold while cross-validated $R^2$ barely moved; in logistic regression,
#   coefficients with an unstable sign went from 21 of 30 at `C = 100` to 3 at
#   `C = 0.01`.
# - The unstable coefficients belong to correlated features, which can trade weight
#   with each other without changing the predictions much. Read such a coefficient as
#   "what this fit used", never as the feature's effect on its own.
#
# ## Try next
#
# - Build the stability table for the breast cancer model at `C = 1` and at
#   `C = 0.01`, and check whether `worst radius`, `worst perimeter` and `worst area` are
#   stable on their own, and whether their *sum* is.
# - Replace `Ridge` with `Lasso` (L1 penalty) at a few `alpha` values and count how often
#   each feature's weight is exactly zero across the bootstrap refits: the L1 penalty
#   tends to keep one of a group of correlated features and drop the others (Zou and
#   Hastie, 2005), and which one it keeps can change from sample to sample.
#
# ## Sources
#
# - Efron, B. (1979). [Bootstrap methods: another look at the jackknife](https://doi.org/10.1214/aos/1176344552).
#   *The Annals of Statistics* 7(1), 1–26: the bootstrap.
# - Hoerl, A. E. and Kennard, R. W. (1970). [Ridge regression: biased estimation for nonorthogonal problems](https://doi.org/10.1080/00401706.1970.10488634).
#   *Technometrics* 12(1), 55–67: ridge regression, introduced for correlated features.
# - Zou, H. and Hastie, T. (2005). [Regularization and variable selection via the elastic net](https://doi.org/10.1111/j.1467-9868.2005.00503.x).
#   *Journal of the Royal Statistical Society B* 67(2), 301–320: why the lasso picks
#   one feature from a correlated group.
# - scikit-learn: [the diabetes dataset](https://scikit-learn.org/stable/datasets/toy_dataset.html#diabetes-dataset)
#   (feature meanings and scaling) and
#   [common pitfalls in the interpretation of coefficients of linear models](https://scikit-learn.org/stable/auto_examples/inspection/plot_linear_model_coefficient_interpretation.html),
#   which checks coefficient variability with cross-validation instead of the bootstrap.
