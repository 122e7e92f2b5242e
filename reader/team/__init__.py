"""Team work over one corpus: agreement between annotators and merging their databases."""

from reader.team.agreement import PairAgreement, PairResult, Scores, Span, compare

__all__ = ["PairAgreement", "PairResult", "Scores", "Span", "compare"]
