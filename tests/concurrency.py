"""Running work from several threads released together, each on its own database connection."""

import threading

from django.db import connection


def run_at_once(work: list, *, expected=()) -> list:
    """Run each callable in its own thread and database connection, all released together.
    Returns each result, or the `expected` exception it raised; any other exception fails."""
    start = threading.Barrier(len(work))
    results, errors = [None] * len(work), []

    def run(i):
        try:
            start.wait()
            results[i] = work[i]()
        except expected as exc:
            results[i] = exc
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results
