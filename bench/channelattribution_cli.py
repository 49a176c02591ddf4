"""ChannelAttribution as a user runs it from a script: read the paths CSV with pandas, fit the
Markov model, write the credits as CSV. The peer of `accord attribution --paths FILE --model
markov --order K --out OUT` in bench/attribution_bench.py's whole-process comparison.

    python bench/channelattribution_cli.py PATHS.csv ORDER OUT.csv
"""

import sys

import pandas as pd
from ChannelAttribution import markov_model

source, order, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
paths = pd.read_csv(source)
result = markov_model(
    paths, "path", "total_conversions", var_value="total_conversion_value",
    var_null="total_null", order=order, out_more=True, verbose=False, flg_pro=False,
)  # fmt: skip
result["result"].to_csv(out, index=False)
