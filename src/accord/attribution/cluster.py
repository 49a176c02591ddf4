"""Touches to unique paths on Apache Spark, through the PySpark DataFrame API alone, so the same
grouping runs on a local Spark, a cluster, or over Spark Connect (`--spark-remote sc://HOST`) on
Databricks and the warehouses that speak it. Only the unique paths come back.

The touches are a table (`catalog.schema.touches`), Parquet files, or a Delta table's folder.
PySpark is an optional extra (`pip install accord[spark]`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from .engines import CHECKS, Touches, check, markers_in
from .paths import InputError

DAY_US = 86_400_000_000


def unique_paths_on_spark(touches: Touches) -> pl.DataFrame:
    """The unique paths of `touches.source`, grouped on the Spark session in use (or a new one;
    on `touches.spark_remote` when given)."""
    try:
        from pyspark.errors import PySparkException
        from pyspark.sql import SparkSession
    except ImportError:
        raise InputError("--engine spark needs PySpark: pip install 'accord[spark]'") from None
    builder: Any = SparkSession.builder.appName("accord attribution")
    if touches.spark_remote:
        builder = builder.remote(touches.spark_remote)
    try:
        spark = builder.getOrCreate()
        frame = _read(spark, touches.source)
        markers = markers_in(frame.columns)
        check(_counts(frame))
        unique = _grouping(frame, markers, touches.with_ages)
        return pl.from_arrow(unique.toArrow())  # type: ignore[return-value]
    except PySparkException as exc:
        raise InputError(f"{touches.source}: {exc}") from None


def _read(spark: Any, source: str) -> Any:
    """A table by name; a folder with a Delta log as Delta; any other path as Parquet."""
    if not any(mark in source for mark in ("/", "\\", ":")):
        return spark.table(source)
    if (Path(source) / "_delta_log").is_dir() or source.startswith("delta:"):
        return spark.read.format("delta").load(source.removeprefix("delta:"))
    return spark.read.parquet(source)


def _counts(frame: Any) -> dict[str, int]:
    from pyspark.sql import functions as F

    def empty(name: str) -> Any:
        return F.count(F.lit(1)) - F.count(name)

    row = frame.agg(
        F.count(F.lit(1)), empty("journey_id"), empty("occurred_at"), empty("channel"),
        F.count(F.when(F.col("value") < 0, 1)),
    ).first()  # fmt: skip
    return dict(zip(CHECKS, (int(v) for v in row), strict=True))


def _grouping(frame: Any, markers: list[str], with_ages: bool) -> Any:
    """Journeys first (touches sorted by time, conversion, value, markers), then unique paths
    with their sums: the rules of the Polars grouping."""
    from pyspark.sql import functions as F

    temporal = frame.schema["occurred_at"].dataType.typeName() in {
        "timestamp",
        "timestamp_ntz",
        "date",
    }
    instant = (
        F.unix_micros(F.col("occurred_at").cast("timestamp"))
        if temporal
        else F.col("occurred_at").cast("double")
    )
    segment = F.col("segment") if "segment" in frame.columns else F.lit(None)
    touch = F.struct(
        instant.alias("t"),
        F.col("channel").cast("string").alias("channel"),
        segment.cast("string").alias("segment"),
    )
    per_journey = [
        F.array_sort(F.collect_list(touch)).alias("touches"),
        F.least(
            F.greatest(
                F.coalesce(F.max(F.col("converted").cast("double")), F.lit(0.0)), F.lit(0.0)
            ),
            F.lit(1.0),
        ).alias("conversions"),
        F.coalesce(F.max(F.col("value").cast("double")), F.lit(0.0)).alias("value"),
    ]
    keys = ["steps"]
    if markers:
        for m in ("lead", "opportunity", "won"):
            reached = F.count(F.when(F.col("occurred_at") <= F.col(f"{m}_at"), 1)) - 1
            per_journey.append((reached if m in markers else F.lit(-1)).cast("int").alias(m))
        keys += ["lead", "opportunity", "won"]
    journeys = frame.groupBy("journey_id").agg(*per_journey)
    journeys = journeys.withColumn("steps", F.col("touches.channel"))
    if "segment" in frame.columns:
        journeys = journeys.withColumn("segment", F.col("touches")[0]["segment"])
        keys.append("segment")
    if with_ages:
        last = F.element_at("touches", -1)["t"]
        if temporal:
            age = lambda touch: F.floor((last - touch["t"]) / DAY_US).cast("long")  # noqa: E731
        else:
            age = lambda touch: (last - touch["t"]).cast("long")  # noqa: E731
        journeys = journeys.withColumn("ages", F.transform("touches", age))
        keys.append("ages")
    return journeys.groupBy(*keys).agg(
        F.sum("conversions").alias("conversions"),
        F.sum(1 - F.col("conversions")).alias("nulls"),
        F.sum(F.col("value") * F.col("conversions")).alias("value"),
    )
