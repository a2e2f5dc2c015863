"""Unit tests for the shared ``practice_util`` layer package."""

from __future__ import annotations

import io
import json
import re
import uuid
from datetime import UTC, datetime, timedelta, timezone

import practice_util
import pytest
from practice_util import (
    SUPPORTED_LANGUAGES,
    GreetingError,
    PayloadError,
    Settings,
    build_greeting,
    get_logger,
    isoformat_z,
    normalize_name,
    parse_json_object,
    parse_utc_timestamp,
    start_of_utc_day,
    utc_now,
)

# --- settings ---------------------------------------------------------------------------------


def test_settings_defaults_when_environment_is_empty() -> None:
    assert Settings.from_env({}) == Settings(
        app_name="practice", environment="dev", log_level="INFO", retention_days=30
    )


def test_settings_read_and_normalise_values() -> None:
    env = {"APP_NAME": " shop ", "ENVIRONMENT": "prod", "LOG_LEVEL": "warning", "RETENTION_DAYS": " 7 "}
    assert Settings.from_env(env) == Settings(
        app_name="shop", environment="prod", log_level="WARNING", retention_days=7
    )


def test_settings_default_to_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_NAME", "from-os-environ")
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    settings = Settings.from_env()
    assert (settings.app_name, settings.log_level) == ("from-os-environ", "DEBUG")


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(AttributeError):
        settings.app_name = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"LOG_LEVEL": "VERBOSE"},
            "LOG_LEVEL='VERBOSE' is invalid: expected one of CRITICAL, DEBUG, ERROR, INFO, WARNING",
        ),
        ({"LOG_LEVEL": ""}, "LOG_LEVEL='' is invalid: expected one of CRITICAL, DEBUG, ERROR, INFO, WARNING"),
        ({"APP_NAME": "   "}, "APP_NAME='   ' is invalid: must not be empty or whitespace"),
        ({"ENVIRONMENT": ""}, "ENVIRONMENT='' is invalid: must not be empty or whitespace"),
        ({"RETENTION_DAYS": "thirty"}, "RETENTION_DAYS='thirty' is invalid: expected an integer"),
        ({"RETENTION_DAYS": "0"}, "RETENTION_DAYS='0' is invalid: expected 1..3650"),
        ({"RETENTION_DAYS": "3651"}, "RETENTION_DAYS='3651' is invalid: expected 1..3650"),
    ],
)
def test_settings_reject_invalid_values(env: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        Settings.from_env(env)


# --- payload ----------------------------------------------------------------------------------


def test_parse_json_object_accepts_str_and_bytes() -> None:
    assert parse_json_object('{"a": 1}') == {"a": 1}
    assert parse_json_object(b'{"b": [true, null]}') == {"b": [True, None]}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (None, "body is empty: expected a JSON object"),
        ("  ", "body is empty: expected a JSON object"),
        ('{"a": ', "body is not valid JSON: Expecting value (line 1, column 7)"),
        ("[1, 2]", "body must be a JSON object, got a JSON array"),
        ('"text"', "body must be a JSON object, got a JSON string"),
        ("42", "body must be a JSON object, got a JSON number"),
        ("null", "body must be a JSON object, got a JSON null"),
        (b"\xff\xfe\xfa", "body is not valid UTF-8 text"),
    ],
)
def test_parse_json_object_errors(raw: str | bytes | None, message: str) -> None:
    with pytest.raises(PayloadError, match=f"^{re.escape(message)}$"):
        parse_json_object(raw)


def test_payload_error_does_not_echo_the_payload() -> None:
    with pytest.raises(PayloadError) as excinfo:
        parse_json_object('{"password": "hunter2"', what="message body")
    assert str(excinfo.value).startswith("message body is not valid JSON")
    assert "hunter2" not in str(excinfo.value)


# --- greeting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "language", "expected"),
    [
        ("Ada", "en", "Hello, Ada!"),
        ("  Ada   Lovelace ", "es", "Hola, Ada Lovelace!"),
        ("Grace", "fr", "Bonjour, Grace!"),
        ("Linus", "de", "Hallo, Linus!"),
    ],
)
def test_build_greeting(name: str, language: str, expected: str) -> None:
    assert build_greeting(name, language) == expected


def test_supported_languages_are_sorted_codes() -> None:
    assert SUPPORTED_LANGUAGES == ("de", "en", "es", "fr")


@pytest.mark.parametrize(
    ("name", "language", "message"),
    [
        ("Ada", "xx", "language 'xx' is not supported: expected one of de, en, es, fr"),
        (" \t\n", "en", "name must not be empty"),
        ("x" * 65, "en", "name must be at most 64 characters, got 65"),
        ("Ada\x00", "en", "name must contain only printable characters"),
    ],
)
def test_build_greeting_errors(name: str, language: str, message: str) -> None:
    with pytest.raises(GreetingError, match=f"^{re.escape(message)}$"):
        build_greeting(name, language)


def test_normalize_name_accepts_exactly_64_characters() -> None:
    assert normalize_name("y" * 64) == "y" * 64


# --- time -------------------------------------------------------------------------------------


def test_isoformat_z_converts_to_utc_and_truncates_to_seconds() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert isoformat_z(datetime(2024, 3, 1, 8, 0, 5, 999_999, tzinfo=plus_two)) == "2024-03-01T06:00:05Z"


def test_isoformat_z_rejects_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="naive"):
        isoformat_z(datetime(2024, 3, 1))


def test_parse_utc_timestamp() -> None:
    assert parse_utc_timestamp("2024-03-01T06:00:00Z") == datetime(2024, 3, 1, 6, tzinfo=UTC)
    assert parse_utc_timestamp("2024-03-01T08:00:00+02:00") == datetime(2024, 3, 1, 6, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("yesterday", "time 'yesterday' is not an ISO 8601 timestamp"),
        ("2024-03-01T06:00:00", "time '2024-03-01T06:00:00' has no UTC offset"),
    ],
)
def test_parse_utc_timestamp_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        parse_utc_timestamp(text, what="time")


def test_start_of_utc_day_uses_the_utc_date() -> None:
    late_evening_new_york = datetime(2024, 2, 29, 22, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert start_of_utc_day(late_evening_new_york) == datetime(2024, 3, 1, tzinfo=UTC)


def test_utc_now_is_aware_utc() -> None:
    assert utc_now().utcoffset() == timedelta(0)


# --- logging ----------------------------------------------------------------------------------


def _unique_service() -> str:
    # Powertools configures a logging.Logger once per service name; a fresh name gives a fresh logger.
    return f"unit-{uuid.uuid4().hex[:12]}"


def test_get_logger_writes_json_with_static_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_LAMBDA_LOG_LEVEL", raising=False)
    stream = io.StringIO()
    service = _unique_service()
    logger = get_logger(service, settings=Settings(app_name="shop", environment="prod"), stream=stream)
    logger.info("order placed", extra={"order_id": "o-1"})

    (record,) = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert record["level"] == "INFO"
    assert record["message"] == "order placed"
    assert record["service"] == service
    assert (record["app"], record["environment"], record["order_id"]) == ("shop", "prod", "o-1")


def test_get_logger_honours_log_level(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_LAMBDA_LOG_LEVEL", raising=False)
    stream = io.StringIO()
    logger = get_logger(_unique_service(), settings=Settings(log_level="WARNING"), stream=stream)
    logger.info("hidden")
    logger.warning("shown")
    messages = [json.loads(line)["message"] for line in stream.getvalue().splitlines()]
    assert messages == ["shown"]


def test_package_exports_match_all() -> None:
    missing = [name for name in practice_util.__all__ if not hasattr(practice_util, name)]
    assert missing == []
    assert {"Settings", "get_logger", "parse_json_object", "build_greeting"} <= set(practice_util.__all__)
