"""The capacity the DynamoDB benchmark counts, by DynamoDB's published size rules."""

import json
from types import SimpleNamespace

from benchmarks.dynamodb_usage import TRADES, CapacityMeter, item_size, number_size


def test_numbers_count_a_byte_per_two_significant_digits_plus_one() -> None:
    assert number_size("1732530000123") == 8
    assert number_size("7") == 2
    assert number_size("1000") == 2  # trailing zeros are not stored


def test_an_item_counts_its_names_and_values() -> None:
    item = {"symbol": {"S": "BTCUSDT"}, "tradeId": {"N": "7"}, "isBuyerMaker": {"BOOL": True}}

    assert item_size(item) == (6 + 7) + (7 + 2) + (12 + 1)


def call(
    meter: CapacityMeter, name: str, request: dict[str, object], parsed: dict[str, object]
) -> None:
    context: dict[str, object] = {}
    meter.before_call(params={"body": json.dumps(request).encode()}, context=context)
    meter.after_call(model=SimpleNamespace(name=name), parsed=parsed, context=context)


def test_writes_count_per_kilobyte_and_again_for_the_index_and_reads_per_4_kilobytes() -> None:
    meter = CapacityMeter()
    big = {"symbol": {"S": "BTCUSDT"}, "text": {"S": "x" * 1500}}

    call(meter, "PutItem", {"TableName": TRADES, "Item": big}, {})
    call(meter, "PutItem", {"TableName": "other", "Item": big}, {"Error": {"Code": "Failed"}})
    assert meter.write_units == 2 * 2 + 2
    call(meter, "Query", {"TableName": TRADES}, {"Items": [big] * 3})  # 4.6 KB
    call(meter, "GetItem", {"TableName": TRADES, "ConsistentRead": True}, {})
    assert meter.read_units == 2 * 0.5 + 1
