"""What every runner shares (:mod:`cdktf_lambda.runtime.code`): how Lambda words the end of a runtime process."""

from __future__ import annotations

import pytest

from cdktf_lambda.runtime.code import exit_error, exit_reason


@pytest.mark.parametrize(
    ("returncode", "shell", "reason"),
    [
        (-9, False, "signal: killed"),  # the out-of-memory killer, kill -9
        (137, True, "signal: killed"),  # the same, reported by the sandbox's shell
        (-11, False, "signal: segmentation fault"),  # a crash in a C extension
        (-6, False, "signal: aborted"),
        (134, True, "signal: aborted"),
        (-40, False, "signal: signal 40"),
        (3, False, "exit status 3"),  # os._exit(3), sys.exit(3)
        (137, False, "exit status 137"),  # no shell between: a plain status
        (1, True, "exit status 1"),
        (None, False, "exit status unknown"),
    ],
)
def test_the_reason_is_worded_as_lambda_words_it(returncode: int | None, shell: bool, reason: str) -> None:
    assert exit_reason(returncode, shell=shell) == reason


def test_the_error_names_the_request_and_the_reason() -> None:
    assert exit_error("req-1", "signal: killed") == {
        "errorType": "Runtime.ExitError",
        "errorMessage": "RequestId: req-1 Error: Runtime exited with error: signal: killed",
    }
