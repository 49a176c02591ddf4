"""Attribution benchmark: Accord against ChannelAttribution and marketing-attribution-models.

    python bench/attribution_bench.py                       # everything, as in bench/README.md
    python bench/attribution_bench.py --sizes 10000 --touchpoints 1000000   # a quick run
    python bench/attribution_bench.py --whole-process       # the commands as a user runs them
    python bench/attribution_bench.py --engines 10000000,100000000   # each --engine, whole

In process (the default), each measurement runs in its own process, so its peak memory (max RSS,
data included) is its own, and times cover the tool's own work from the loaded table to credits
per channel. With --whole-process, each side is a whole command timed from start to exit, the two
run in turn: `accord attribution --paths FILE.csv --model markov --order K --out OUT.csv` against
bench/channelattribution_cli.py (pandas reads the same CSV, ChannelAttribution fits, CSV out), and
`accord attribution --touchpoints FILE.parquet --model markov` against the bare Polars grouping
(bench/polars_paths_cli.py).

The data come from bench/attribution_data.py with a fixed seed and are cached as Parquet (and
the paths as CSV for the whole-process comparison).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
CACHE = Path(os.environ.get("ACCORD_BENCH_CACHE", "/tmp/accord-attribution-bench"))


def cached(kind: str, n: int) -> Path:
    """The data set's Parquet file, generated in a child process the first time so that this
    process stays small."""
    path = CACHE / f"{kind}-{n}.parquet"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, __file__, "--generate", kind, str(n)], check=True)
    return path


def generate(kind: str, n: int) -> None:
    """The data set to Parquet; touches part by part (10^8 of them do not fit in memory
    comfortably), each part its own row groups."""
    import pyarrow.parquet as pq
    from attribution_data import PART, touchpoint_parts, touchpoints, unique_paths

    path = CACHE / f"{kind}-{n}.parquet"
    if kind == "paths" or n <= PART:
        (unique_paths if kind == "paths" else touchpoints)(n).write_parquet(path)
        return
    partial = path.with_suffix(".partial")
    writer = None
    for part in touchpoint_parts(n):
        table = part.to_arrow()
        writer = writer or pq.ParquetWriter(partial, table.schema, compression="zstd")
        writer.write_table(table, row_group_size=1_000_000)
    assert writer is not None
    writer.close()
    partial.rename(path)


# Each tool: (load the input, untimed) -> (run, timed) -> {channel: credited conversions}.


def accord_markov(frame: pl.DataFrame, order: int, seed: int) -> dict:
    from accord.attribution import markov, paths_from_aggregated

    result = markov(paths_from_aggregated(frame), order)
    return dict(zip(result.channels, result.conversions.tolist(), strict=True))


def accord_heuristics(frame: pl.DataFrame, order: int, seed: int) -> dict:
    from accord.attribution import first_touch, last_touch, linear, paths_from_aggregated

    paths = paths_from_aggregated(frame)
    out = {}
    for model in (first_touch, last_touch, linear):
        result = model(paths)
        pairs = zip(result.channels, result.conversions, strict=True)
        out |= {f"{result.model}:{c}": v for c, v in pairs}
    return out


def channelattribution_markov(frame, order: int, seed: int, max_step=None) -> dict:
    from ChannelAttribution import markov_model

    result = markov_model(
        frame, "path", "total_conversions", var_value="total_conversion_value",
        var_null="total_null", order=order, out_more=True, seed=seed, verbose=False,
        flg_pro=False, max_step=max_step,
    )["result"]  # fmt: skip
    return dict(zip(result["channel_name"], result["total_conversions"], strict=True))


def channelattribution_markov_long(frame, order: int, seed: int) -> dict:
    """Simulated journeys may run to 200 steps instead of the longest observed path: by default
    ChannelAttribution cuts them there, which lowers every removal effect a little."""
    return channelattribution_markov(frame, order, seed, max_step=200)


def channelattribution_heuristics(frame, order: int, seed: int) -> dict:
    from ChannelAttribution import heuristic_models

    result = heuristic_models(
        frame, "path", "total_conversions", var_value="total_conversion_value", flg_pro=False
    )
    out = {}
    for model, column in (("first_touch", "first_touch_conversions"),
                          ("last_touch", "last_touch_conversions"),
                          ("linear", "linear_touch_conversions")):  # fmt: skip
        pairs = zip(result["channel_name"], result[column], strict=True)
        out |= {f"{model}:{c}": v for c, v in pairs}
    return out


def mam_markov(frame: pl.DataFrame, order: int, seed: int) -> dict:
    from mam import MAM

    model = MAM(
        frame, format_type="grouped_journey", channels_colname="path",
        journey_with_conv_colname="converted", occurrences_colname="count",
    )  # fmt: skip
    effects = model.run_markov().metadata["removal_effect"]["removal_effect"]
    total = frame.filter(pl.col("converted"))["count"].sum()
    return (effects / effects.sum() * total).to_dict()


def mam_input(frame: pl.DataFrame) -> pl.DataFrame:
    """marketing-attribution-models wants one row per (path, converted) with a count."""
    converted = frame.filter(pl.col("total_conversions") > 0).select(
        "path", pl.lit(True).alias("converted"), pl.col("total_conversions").alias("count")
    )
    null = frame.filter(pl.col("total_null") > 0).select(
        "path", pl.lit(False).alias("converted"), pl.col("total_null").alias("count")
    )
    return pl.concat([converted, null])


def accord_touchpoints(frame: pl.DataFrame, order: int, seed: int) -> dict:
    from accord.attribution import markov, paths_from_touchpoints

    result = markov(paths_from_touchpoints(frame), 1)
    return dict(zip(result.channels, result.conversions.tolist(), strict=True))


def floor_polars(frame: pl.DataFrame, order: int, seed: int) -> dict:
    paths = (
        frame.sort("journey_id", "occurred_at")
        .group_by("journey_id")
        .agg(pl.col("channel"))
        .group_by("channel")
        .len()
    )
    return {"unique_paths": len(paths)}


def floor_numpy(frame: pl.DataFrame, order: int, seed: int) -> dict:
    journey = frame["journey_id"].to_numpy()
    occurred = frame["occurred_at"].to_physical().to_numpy()
    channel = frame["channel"].to_physical().to_numpy().astype(np.int64)
    order_ = np.lexsort((occurred, journey))
    journey, channel = journey[order_], channel[order_]
    starts = np.flatnonzero(np.r_[True, journey[1:] != journey[:-1]])
    position = np.arange(len(journey)) - np.repeat(starts, np.diff(np.r_[starts, len(journey)]))
    # A path's polynomial hash modulo 2^64 (collisions ignored: a floor, not a product).
    with np.errstate(over="ignore"):
        term = (channel.astype(np.uint64) + 1) * (
            np.uint64(1_000_003) ** position.astype(np.uint64)
        )
        keys = np.add.reduceat(term, starts)
    _, counts = np.unique(keys, return_counts=True)
    return {"unique_paths": len(counts)}


def floor_duckdb(frame: pl.DataFrame, order: int, seed: int) -> dict:
    import duckdb

    con = duckdb.connect()
    con.register("touches", frame.to_arrow())
    rows = con.execute(
        "SELECT count(*) FROM (SELECT path, count(*) FROM (SELECT journey_id, "
        "list(channel ORDER BY occurred_at) AS path FROM touches GROUP BY journey_id) "
        "GROUP BY path)"
    ).fetchone()
    return {"unique_paths": rows[0]}


TOOLS = {
    "accord_markov": (accord_markov, "paths", None),
    "accord_heuristics": (accord_heuristics, "paths", None),
    "channelattribution_markov": (channelattribution_markov, "paths", "pandas"),
    "channelattribution_markov_long": (channelattribution_markov_long, "paths", "pandas"),
    "channelattribution_heuristics": (channelattribution_heuristics, "paths", "pandas"),
    "mam_markov": (mam_markov, "paths", "mam"),
    "accord_touchpoints": (accord_touchpoints, "touchpoints", None),
    "floor_polars": (floor_polars, "touchpoints", None),
    "floor_numpy": (floor_numpy, "touchpoints", None),
    "floor_duckdb": (floor_duckdb, "touchpoints", None),
}


WARM_UP = {
    "accord": ["accord.attribution", "scipy.sparse.linalg"],
    "channelattribution": ["ChannelAttribution"],
    "mam": ["mam"],
    "floor": ["duckdb"],
}


def peak_rss_mb() -> float:
    """This process's peak resident memory. (ru_maxrss would carry the parent's over exec.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(tool: str, n: int, order: int, seed: int) -> dict:
    function, kind, shape = TOOLS[tool]
    for module in WARM_UP[tool.split("_")[0]]:
        __import__(module)  # imports are not part of the measured work
    frame = pl.read_parquet(cached(kind, n))
    if shape == "pandas":
        frame = frame.to_pandas()
    elif shape == "mam":
        frame = mam_input(frame)
    start = time.perf_counter()
    credits = function(frame, order, seed)
    seconds = time.perf_counter() - start
    peak_mb = peak_rss_mb()
    return {"tool": tool, "n": n, "order": order, "seconds": seconds, "peak_mb": peak_mb,
            "credits": {k: float(v) for k, v in credits.items()}}  # fmt: skip


def measure(tool: str, n: int, order: int = 1, seed: int = 0, timeout: float = 3600) -> dict:
    command = [sys.executable, __file__, "--one", tool, str(n), str(order), str(seed)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"tool": tool, "n": n, "order": order, "error": f"over {timeout:.0f} s"}
    if done.returncode:
        return {"tool": tool, "n": n, "order": order, "error": done.stderr.strip()[-300:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def largest_difference(ours: dict, theirs: dict) -> float:
    return max(abs(ours.get(k, 0.0) - theirs.get(k, 0.0)) for k in set(ours) | set(theirs))


def row(label, ours, theirs):
    if "error" in theirs:
        cells = [label, f"{ours['seconds']:.2f}", "–", "–", f"{ours['peak_mb']:.0f}", "–", "–"]
        return "| " + " | ".join([*cells, theirs["error"]]) + " |"
    total = sum(v for k, v in ours["credits"].items())
    diff = largest_difference(ours["credits"], theirs["credits"])
    return (
        f"| {label} | {ours['seconds']:.2f} | {theirs['seconds']:.2f} | "
        f"{theirs['seconds'] / ours['seconds']:.1f}x | {ours['peak_mb']:.0f} | "
        f"{theirs['peak_mb']:.0f} | {diff:.3g} ({diff / total:.2%}) | |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--orders", default="1,3")
    parser.add_argument("--touchpoints", type=int, default=10_000_000)
    parser.add_argument("--peer-timeout", type=float, default=3600)
    parser.add_argument("--one", nargs=4, metavar=("TOOL", "N", "ORDER", "SEED"))
    parser.add_argument("--generate", nargs=2, metavar=("KIND", "N"))
    parser.add_argument("--whole-process", action="store_true")
    parser.add_argument("--runs", type=int, default=3, help="whole-process runs of each side")
    parser.add_argument(
        "--engines", metavar="N,N", help="touches grouped by each --engine, whole processes"
    )
    parser.add_argument("--engine-names", default="polars,duckdb,spark", metavar="E,E")
    parser.add_argument(
        "--memory-cap-mb",
        type=float,
        help="--engines: stop a run whose processes together pass this much memory",
    )
    args = parser.parse_args()
    if args.generate:
        generate(args.generate[0], int(args.generate[1]))
        return
    if args.whole_process:
        whole_process(args)
        return
    if args.engines:
        engines(
            [int(n) for n in args.engines.split(",") if n],
            [e for e in args.engine_names.split(",") if e],
            args.memory_cap_mb,
        )
        return
    if args.one:
        tool, n, order, seed = args.one
        print(json.dumps(run_one(tool, int(n), int(order), int(seed))))
        return

    sizes = [int(s) for s in args.sizes.split(",") if s]
    orders = [int(o) for o in args.orders.split(",") if o]
    print("| unique paths, model | Accord s | peer s | peer / Accord | Accord MB | peer MB "
          "| largest difference in credited conversions | note |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for n in sizes:
        cached("paths", n)
        for order in orders:
            ours = measure("accord_markov", n, order)
            theirs = measure("channelattribution_markov", n, order, timeout=args.peer_timeout)
            print(row(f"{n:,}, Markov order {order} vs ChannelAttribution", ours, theirs))
            if order == 1:
                theirs = measure("mam_markov", n, order, timeout=args.peer_timeout)
                print(row(f"{n:,}, Markov order 1 vs marketing-attribution-models", ours, theirs))
            sys.stdout.flush()
        ours = measure("accord_heuristics", n)
        theirs = measure("channelattribution_heuristics", n, timeout=args.peer_timeout)
        print(row(f"{n:,}, first/last/linear vs ChannelAttribution", ours, theirs))
        sys.stdout.flush()
    if sizes and sizes[0] <= 100_000:  # five simulations of a larger set take too long
        spread(sizes[0])
    if args.touchpoints:
        touch(args.touchpoints)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def spread(n: int, seeds: int = 5) -> None:
    """Is the exact answer within ChannelAttribution's own run-to-run (simulation) spread?"""
    ours = measure("accord_markov", n, 1)["credits"]
    runs = [
        measure("channelattribution_markov_long", n, 1, seed)["credits"] for seed in range(seeds)
    ]
    channels = sorted(ours)
    sim = np.array([[r[c] for c in channels] for r in runs])
    mean, sd = sim.mean(axis=0), sim.std(axis=0, ddof=1)
    z = np.abs(np.array([ours[c] for c in channels]) - mean) / (sd / np.sqrt(seeds))
    print(
        f"\n{n:,} unique paths, order 1, ChannelAttribution (max_step=200) over {seeds} seeds: "
        "largest "
        f"|Accord - mean| = {np.max(np.abs(np.array([ours[c] for c in channels]) - mean)):.3g} "
        f"conversions, largest run-to-run sd = {sd.max():.3g}, largest z = {z.max():.2f}"
    )


def touch(n: int) -> None:
    rows = pl.scan_parquet(cached("touchpoints", n)).select(pl.len()).collect().item()
    print(f"\n{rows:,} raw touchpoints -> credited channels (Markov order 1) vs the bare grouping")
    print("| tool | seconds | peak MB | unique paths |")
    print("|---|---|---|---|")
    results = {t: measure(t, n) for t in ("accord_touchpoints", "floor_polars", "floor_numpy",
                                          "floor_duckdb")}  # fmt: skip
    for tool, r in results.items():
        if "error" in r:
            print(f"| {tool} | – | – | {r['error']} |")
        else:
            paths = r["credits"].get("unique_paths", "")
            print(f"| {tool} | {r['seconds']:.2f} | {r['peak_mb']:.0f} | {paths} |")
    floors = [
        r["seconds"] for t, r in results.items() if t.startswith("floor") and "error" not in r
    ]
    if floors and "error" not in results["accord_touchpoints"]:
        ratio = results["accord_touchpoints"]["seconds"] / min(floors)
        print(f"\nAccord / fastest floor: {ratio:.2f}x")


# Whole processes -----------------------------------------------------------------------------


def timed(command: list[str], memory_cap_mb: float | None = None) -> dict:
    """Wall and CPU seconds and peak memory of one whole process and the processes it starts
    (Spark's JVM), from the kernel's accounting and /proc sampled every 0.2 s. Past
    `memory_cap_mb` (all of them together) the run is stopped and reported as over the cap."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True
        )
        tree = TreeSampler(process.pid, memory_cap_mb)
        tree.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        tree.stop()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # whatever it started and left running
        if tree.over_cap:
            raise SystemExit(f"stopped past {memory_cap_mb:.0f} MB (all its processes)")
        if status:
            errors.seek(0)
            raise SystemExit(f"{' '.join(command)} failed: {errors.read().decode()[-500:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return {
        "wall": wall,
        "cpu": max(cpu, tree.cpu_seconds()),
        "peak_mb": max(usage.ru_maxrss / 1024, tree.peak_mb),
    }


class TreeSampler(threading.Thread):
    """The summed resident memory of a process and its descendants, sampled, and the CPU seconds
    each was last seen to have used (a JVM that its parent never waits for is in no rusage)."""

    PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20
    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self, root: int, cap_mb: float | None) -> None:
        super().__init__(daemon=True)
        self.root, self.cap_mb = root, cap_mb
        self.peak_mb, self.over_cap = 0.0, False
        self.cpu: dict[int, float] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.2):
            stats = {}
            for entry in Path("/proc").iterdir():
                if entry.name.isdigit():
                    try:
                        fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    except OSError:
                        continue
                    stats[int(entry.name)] = fields
            tree, grown = {self.root}, True
            while grown:
                children = {p for p, f in stats.items() if int(f[1]) in tree} - tree
                tree |= children
                grown = bool(children)
            rss = 0.0
            for pid in tree & stats.keys():
                fields = stats[pid]
                rss += int(fields[21]) * self.PAGE_MB
                self.cpu[pid] = (int(fields[11]) + int(fields[12])) / self.TICK
            self.peak_mb = max(self.peak_mb, rss)
            if self.cap_mb and rss > self.cap_mb and not self.over_cap:
                self.over_cap = True
                os.killpg(self.root, signal.SIGKILL)

    def stop(self) -> None:
        self.done.set()
        self.join()

    def cpu_seconds(self) -> float:
        return sum(self.cpu.values())


def in_turn(ours: list[str], theirs: list[str], runs: int) -> tuple[dict, dict, float]:
    """Each command `runs` times, A B A B ...: the medians of each, and the median ratio."""
    pairs = [(timed(ours), timed(theirs)) for _ in range(runs)]
    ratio = float(np.median([b["wall"] / a["wall"] for a, b in pairs]))

    def median(side: int) -> dict:
        return {key: float(np.median([p[side][key] for p in pairs])) for key in pairs[0][side]}

    return median(0), median(1), ratio


def paths_csv(n: int) -> Path:
    path = CACHE / f"paths-{n}.csv"
    if not path.exists():
        pl.read_parquet(cached("paths", n)).write_csv(path)
    return path


def whole_process(args: argparse.Namespace) -> None:
    accord = str(Path(sys.executable).with_name("accord"))
    out = CACHE / "out.csv"
    print("| input | Accord wall s | peer wall s | peer / Accord | Accord CPU s | peer CPU s "
          "| Accord MB | peer MB |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")

    def report(label: str, ours: dict, theirs: dict, ratio: float) -> None:
        print(f"| {label} | {ours['wall']:.2f} | {theirs['wall']:.2f} | {ratio:.1f}x | "
              f"{ours['cpu']:.2f} | {theirs['cpu']:.2f} | {ours['peak_mb']:.0f} | "
              f"{theirs['peak_mb']:.0f} |")  # fmt: skip
        sys.stdout.flush()

    for n in [int(s) for s in args.sizes.split(",") if s]:
        source = str(paths_csv(n))
        for order in [int(o) for o in args.orders.split(",") if o]:
            ours = [accord, "attribution", "--paths", source, "--model", "markov",
                    "--order", str(order), "--out", str(out)]  # fmt: skip
            theirs = [sys.executable, str(HERE / "channelattribution_cli.py"), source, str(order),
                      str(out)]  # fmt: skip
            label = f"{n:,} unique paths (CSV), Markov order {order} vs ChannelAttribution"
            report(label, *in_turn(ours, theirs, args.runs))
    if args.touchpoints:
        source = str(cached("touchpoints", args.touchpoints))
        ours = [accord, "attribution", "--touchpoints", source, "--model", "markov", "--out",
                str(out)]  # fmt: skip
        theirs = [sys.executable, str(HERE / "polars_paths_cli.py"), source, str(out)]
        label = f"{args.touchpoints:,} touches (Parquet), Markov order 1 vs the Polars grouping"
        report(label, *in_turn(ours, theirs, args.runs))
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def engines(sizes: list[int], names: list[str], memory_cap_mb: float | None) -> None:
    """`accord attribution --touchpoints FILE.parquet --engine E --model markov` per engine, as
    whole processes; peak memory and CPU seconds are those of all the processes the command
    starts (Spark's JVM too). A run past `memory_cap_mb` is stopped and reported."""
    accord = str(Path(sys.executable).with_name("accord"))
    out = CACHE / "out.csv"
    print("| touches | Parquet MB | engine | wall s | CPU s | peak MB |")
    print("|---|---|---|---|---|---|")
    for n in sizes:
        source = cached("touchpoints", n)
        size_mb = source.stat().st_size / 2**20
        for engine in names:
            command = [accord, "attribution", "--touchpoints", str(source), "--engine", engine,
                       "--model", "markov", "--out", str(out)]  # fmt: skip
            try:
                r = timed(command, memory_cap_mb)
            except SystemExit as failed:
                print(f"| {n:,} | {size_mb:.0f} | {engine} | – | – | – | {failed} |")
                continue
            print(f"| {n:,} | {size_mb:.0f} | {engine} | {r['wall']:.1f} | {r['cpu']:.1f} | "
                  f"{r['peak_mb']:.0f} |")  # fmt: skip
            sys.stdout.flush()
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
