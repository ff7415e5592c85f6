"""The sync bench (bench/sync.py), small: what a user would notice, no timings."""

from bench.sync import interface_gaps, send_batched, send_one_by_one

ROWS = 300


def test_waiting_validations_all_go_in_few_requests(tmp_path):
    result = send_batched(tmp_path, ROWS)
    assert result["pending"] == 0
    assert result["held"] == ROWS, "the server holds every one"
    assert result["confirmed"] == ROWS
    assert result["requests"] <= 3 + ROWS // 100, "batches of 100, not one request each"


def test_the_baseline_sends_one_request_per_validation(tmp_path):
    result = send_one_by_one(tmp_path, ROWS)
    assert result["pending"] == 0 and result["held"] == ROWS and result["confirmed"] == ROWS
    assert ROWS <= result["requests"] <= ROWS + 3


def test_the_interface_keeps_ticking_while_the_engine_sends(qapp, tmp_path):
    result = interface_gaps(tmp_path, ROWS)
    assert result["finished"], "the engine said it had sent everything"
    assert result["pending"] == 0 and result["held"] == ROWS
    assert result["ticks"] > 0
