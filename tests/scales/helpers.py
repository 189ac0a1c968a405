"""Scale answers for tests."""


def phq9_answers(**overrides) -> dict:
    """PHQ-9 answers, all "Not at all" unless overridden (q1..q9 as strings)."""
    answers = {f"q{n}": "0" for n in range(1, 10)}
    answers.update({k: str(v) for k, v in overrides.items()})
    return answers
