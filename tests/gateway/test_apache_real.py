"""The Apache evaluator checked against a real apache2 running the very same configurations.

Every request of tests/apache_cases.py goes to Debian's apache2 (started here on loopback
with its own ServerRoot) and through kit.audit; httpd's answers are recorded by the test
itself. Run benchmarks/apache_conformance.py for the agreement per area.
"""

from __future__ import annotations

from collections import Counter

import pytest

from ..apache_cases import CASES
from ..apache_real import available, run_case
from ..conftest import free_port

pytestmark = pytest.mark.skipif(not available(), reason="apache2 is not installed")

FLOOR = 0.95  # the goal: agreement with a real apache2


@pytest.fixture(scope="module")
def answers() -> list[tuple[str, str, str, str, int, int]]:
    """(case, method, path, source, httpd's status, kit's status) for every request."""
    rows = []
    for case in CASES:
        rows += [(case.name, *row) for row in run_case(case, free_port())]
    return rows


def test_agreement_with_real_apache_meets_the_floor(answers):
    """kit.audit answers as apache2 does on at least 95% of 150+ requests, 15+ configs."""
    assert len(CASES) >= 15
    assert len(answers) >= 150
    agree = sum(actual == predicted for *_, actual, predicted in answers)
    misses = [row for row in answers if row[-2] != row[-1]]
    assert agree / len(answers) >= FLOOR, misses


def test_every_area_agrees_on_most_requests(answers):
    """No area hides behind the others: each agrees on at least 90% of its own requests."""
    area = {case.name: case.area for case in CASES}
    total, agree = Counter[str](), Counter[str]()
    for name, *_, actual, predicted in answers:
        total[area[name]] += 1
        agree[area[name]] += actual == predicted
    assert {a: agree[a] / total[a] for a in total if agree[a] / total[a] < 0.9} == {}


def test_the_table_exercises_every_kind_of_answer(answers):
    """The real server answered with allows, refusals, auth challenges, redirects, errors."""
    seen = {actual for *_, actual, _predicted in answers}
    assert {200, 301, 302, 401, 403, 404, 410, 500} <= seen


def test_cases_adapted_from_httpd_tests_are_cited():
    """authz_core, access_compat, rewrite and autoindex cases name their httpd-tests file."""
    cited = {case.area for case in CASES if "apache/httpd-tests" in case.source}
    assert {"authz_core", "access_compat", "rewrite", "autoindex"} <= cited


def test_generated_configurations_agree_with_real_apache():
    """A seeded batch of generated configurations (benchmarks/apache_random.py): kit.audit
    answers as apache2 does on at least 95% of their requests."""
    import random
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    try:
        from apache_random import case  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    rng = random.Random(7)
    rows = [row for number in range(12) for row in run_case(case(rng, number), free_port())]
    assert len(rows) >= 400
    agree = sum(actual == predicted for *_, actual, predicted in rows)
    assert agree / len(rows) >= FLOOR, [row for row in rows if row[-2] != row[-1]]
