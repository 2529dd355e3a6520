"""The expected-versus-measured summary says why cells could not be tested."""

from __future__ import annotations

from netfence.probes import Comparison
from netfence.report.comparison_text import untested_reasons

NO_IPV6 = "could not test: no endpoint has an IPv6 address"


def test_untested_reasons_are_counted_over_every_port() -> None:
    comparisons = [
        Comparison(80, "TCP", 4, (), (("a/x", "ext:::/0", NO_IPV6), ("b/y", "ext:::/0", NO_IPV6))),
        Comparison(53, "SCTP", 4, (), (("a/x", "b/y", "could not test: no SCTP"),)),
        Comparison(53, "UDP", 4, (), (("b/y", "ext:::/0", NO_IPV6),)),
    ]
    assert untested_reasons(comparisons) == [
        "could not test: no SCTP (1 cell)",
        f"{NO_IPV6} (3 cells)",
    ]


def test_no_reasons_when_everything_was_tested() -> None:
    assert untested_reasons([Comparison(80, "TCP", 4, (), ())]) == []
