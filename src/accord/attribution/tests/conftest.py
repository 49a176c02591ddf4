import polars as pl
import pytest

from accord.attribution import paths_from_aggregated


def aggregated(rows):
    """Paths from (path, conversions, value, nulls) tuples."""
    path, conversions, value, nulls = zip(*rows, strict=True)
    return paths_from_aggregated(
        pl.DataFrame(
            {
                "path": list(path),
                "total_conversions": list(map(float, conversions)),
                "total_conversion_value": list(map(float, value)),
                "total_null": list(map(float, nulls)),
            }
        )
    )


def credited(result):
    """{channel: (conversions, value)} rounded for comparison."""
    return {
        name: (round(c, 9), round(v, 9))
        for name, c, v in zip(result.channels, result.conversions, result.value, strict=True)
    }


@pytest.fixture
def journeys():
    return aggregated(
        [
            ("email > paid_search > direct", 2, 300, 1),
            ("direct", 1, 50, 4),
            ("events > email > email > webinar", 1, 1000, 0),
            ("paid_search", 0, 0, 7),
        ]
    )
