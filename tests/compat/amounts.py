"""Binance prints every amount with 8 decimals: what a client reads from Bourse must too."""

import re

DECIMAL = re.compile(r"-?\d+\.(\d+)")


def finer_than_binance(answer: object) -> list[str]:
    """Every decimal string anywhere in `answer` that has more than 8 decimals."""
    if isinstance(answer, str):
        found = DECIMAL.fullmatch(answer)
        return [answer] if found and len(found.group(1)) > 8 else []
    if isinstance(answer, dict):
        answer = list(answer.values())
    if isinstance(answer, list | tuple):
        return [text for item in answer for text in finer_than_binance(item)]
    return []
