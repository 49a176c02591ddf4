"""Grouping touches on DuckDB or Spark gives the credit that grouping them in Polars gives."""

import datetime as dt
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from accord.attribution import attribute, paths_from_touchpoints
from accord.attribution.command import run_on_file
from accord.attribution.engines import Engine, Touches, read_unique_paths
from accord.attribution.paths import InputError

CHANNELS = ["email", " email", "paid_search", "direct", "events", "webinar", "referral"]
SEGMENTS = ["smb", " smb", "enterprise", None, ""]
MODELS = [("markov", 1), ("markov", 3), ("linear", 1), ("time_decay", 1), ("w_shaped", 1)]


def seeded_touches(journeys: int = 3000, seed: int = 7) -> pl.DataFrame:
    """Journeys of one to six touches in no order, some converted with a value, some with stage
    markers, in segments (" smb" is "smb"; none and "" are unknown); " email" is "email"."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 7, size=journeys)
    journey = np.repeat(np.arange(journeys), lengths)
    start = dt.datetime(2026, 1, 1) + dt.timedelta(days=1)
    gaps = rng.integers(3600, 9 * 86_400, size=len(journey))
    elapsed = np.cumsum(gaps) - np.repeat(np.cumsum(gaps)[np.cumsum(lengths) - lengths], lengths)
    occurred = [start + dt.timedelta(seconds=int(s)) for s in elapsed]
    converted = rng.random(journeys) < 0.3
    value = np.where(converted, np.round(rng.lognormal(6, 1, size=journeys), 2), 0.0)
    lead_after = rng.integers(0, 20 * 86_400, size=journeys)
    lead_at = [start + dt.timedelta(seconds=int(s)) for s in lead_after]
    order = rng.permutation(len(journey))
    frame = pl.DataFrame(
        {
            "journey_id": journey,
            "occurred_at": occurred,
            "channel": np.array(CHANNELS)[rng.integers(0, len(CHANNELS), size=len(journey))],
            "converted": converted[journey],
            "value": value[journey],
            "lead_at": [lead_at[j] for j in journey],
            "segment": [
                SEGMENTS[s] for s in rng.integers(0, len(SEGMENTS), size=journeys)[journey]
            ],
        }
    )
    return frame[order]


def credit(paths, model, order):
    result = attribute(paths, model, order=order)
    return dict(
        zip(result.channels, zip(result.conversions, result.value, strict=True), strict=True)
    )


def assert_same_credit(ours, polars):
    for model, order in MODELS:
        expected, got = credit(polars, model, order), credit(ours, model, order)
        assert got.keys() == expected.keys()
        for channel, (conversions, value) in expected.items():
            assert got[channel][0] == pytest.approx(conversions, abs=1e-9)
            assert got[channel][1] == pytest.approx(value, rel=1e-12, abs=1e-9)


@pytest.fixture(scope="module")
def touches_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("touches") / "touches.parquet"
    seeded_touches().write_parquet(path)
    return path


def test_duckdb_credits_the_touches_as_polars_does(touches_file):
    pytest.importorskip("duckdb")
    polars = paths_from_touchpoints(pl.read_parquet(touches_file), with_ages=True)
    ours = read_unique_paths(Touches(str(touches_file), Engine.DUCKDB, with_ages=True))
    assert_same_credit(ours, polars)


def test_duckdb_reads_a_folder_of_parquet_files_within_a_small_memory_limit(tmp_path):
    pytest.importorskip("duckdb")
    touches = seeded_touches()
    for part, rows in enumerate(touches.iter_slices(5000)):
        rows.write_parquet(tmp_path / f"part-{part}.parquet")
    ours = read_unique_paths(Touches(str(tmp_path), Engine.DUCKDB, memory_limit="64MB"))
    assert_same_credit(ours, paths_from_touchpoints(touches))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop("channel"), "missing column(s) 'channel'"),
        (lambda f: f.with_columns(value=-pl.col("value")), "'value' has negative values"),
        (lambda f: f.head(0), "there are no touchpoints"),
    ],
)
def test_duckdb_refuses_touches_it_cannot_credit(tmp_path, change, message):
    pytest.importorskip("duckdb")
    path = tmp_path / "touches.parquet"
    change(seeded_touches(50)).write_parquet(path)
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_unique_paths(Touches(str(path), Engine.DUCKDB))


def test_duckdb_refuses_a_memory_limit_that_is_not_a_size(touches_file):
    pytest.importorskip("duckdb")
    with pytest.raises(InputError, match="give a size such as"):
        read_unique_paths(Touches(str(touches_file), Engine.DUCKDB, memory_limit="lots"))


JAVA = shutil.which("java") is not None


@pytest.fixture(scope="module")
def spark():
    if not JAVA and not os.environ.get("CI"):
        pytest.skip("Spark needs Java")
    pyspark = pytest.importorskip("pyspark.sql")
    session = (
        pyspark.SparkSession.builder.master("local[2]")
        .appName("accord tests")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.mark.spark
def test_spark_credits_parquet_touches_as_polars_does(spark, touches_file):
    polars = paths_from_touchpoints(pl.read_parquet(touches_file), with_ages=True)
    ours = read_unique_paths(Touches(str(touches_file), Engine.SPARK, with_ages=True))
    assert_same_credit(ours, polars)


@pytest.mark.spark
def test_spark_credits_a_table_by_its_name(spark, touches_file):
    spark.read.parquet(str(touches_file)).createOrReplaceTempView("touches")
    ours = read_unique_paths(Touches("touches", Engine.SPARK))
    assert_same_credit(ours, paths_from_touchpoints(pl.read_parquet(touches_file)))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def spark_connect_server(tmp_path_factory):
    """A Spark Connect server on loopback (`local[2]`), started from PySpark's own
    `spark-submit` as `sbin/start-connect-server.sh` starts it: the address a client connects to
    as it would to a cluster's."""
    if not JAVA and not os.environ.get("CI"):
        pytest.skip("Spark needs Java")
    pyspark = pytest.importorskip("pyspark")
    pytest.importorskip("pyspark.sql.connect.session")
    home = Path(pyspark.__file__).parent
    port = free_port()
    logs = tmp_path_factory.mktemp("spark-connect") / "server.log"
    command = [
        str(home / "bin" / "spark-submit"),
        "--class", "org.apache.spark.sql.connect.service.SparkConnectServer",
        "--master", "local[2]",
        "--conf", f"spark.connect.grpc.binding.port={port}",
        "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
        "--conf", "spark.sql.shuffle.partitions=2",
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.sql.session.timeZone=UTC",
    ]  # fmt: skip
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_CONNECT_MODE": "0"}
    env.pop("SPARK_REMOTE", None)
    with open(logs, "wb") as log:
        server = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 300
        while True:
            if server.poll() is not None:
                pytest.fail(f"the Spark Connect server exited: {logs.read_text()[-2000:]}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"no Spark Connect server after 300 s: {logs.read_text()[-2000:]}")
            time.sleep(0.5)
        yield f"sc://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.mark.spark
def test_accord_attribution_over_spark_connect_credits_as_polars_does(
    spark_connect_server, touches_file, tmp_path
):
    """`accord attribution --engine spark --spark-remote sc://...`, run as a user runs it
    against Databricks: every path model's credit is the Polars grouping's."""
    argv = ["--touchpoints", str(touches_file), "--model", "all", "--order", "3"]
    polars_out, spark_out = tmp_path / "polars.csv", tmp_path / "spark.csv"
    assert run_on_file([*argv, "--out", str(polars_out)], io.StringIO(), io.StringIO()) == 0
    remote = ["--engine", "spark", "--spark-remote", spark_connect_server]
    subprocess.run(
        [sys.executable, "-m", "accord", "attribution", *argv, *remote, "--out", str(spark_out)],
        check=True,
        capture_output=True,
        timeout=900,  # a server that died would leave the client retrying
    )
    key = ["model", "channel_name"]
    # The counterfactual model's folds are drawn over the paths in the order they come.
    expected, got = (
        pl.read_csv(f).filter(pl.col("model") != "counterfactual").sort(key)
        for f in (polars_out, spark_out)
    )
    assert got.select(key).equals(expected.select(key))
    assert set(expected["model"]) >= {"markov_3", "time_decay", "w_shaped", "shapley"}
    for column in ("total_conversions", "total_conversion_value"):
        assert np.allclose(got[column], expected[column], rtol=1e-12, atol=1e-9), column


def test_a_large_parquet_file_grouped_a_share_of_its_journeys_at_a_time_credits_the_same(
    touches_file, monkeypatch
):
    """Past a size, `--engine polars` reads and groups a Parquet file in parts, so that 10^8
    touches need not be in memory at once; the credit is that of the whole file at once."""
    from accord.attribution import files

    whole = paths_from_touchpoints(pl.read_parquet(touches_file), with_ages=True)
    monkeypatch.setattr(files, "PART_MEMORY", touches_file.stat().st_size)  # seven parts
    parts = read_unique_paths(Touches(str(touches_file), Engine.POLARS, with_ages=True))
    assert parts.n_paths > whole.n_paths  # the same path in two parts is two rows
    assert_same_credit(parts, whole)
    assert parts.segment_names == whole.segment_names
