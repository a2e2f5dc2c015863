"""Greetings shared by the HTTP API and the queue worker."""

from __future__ import annotations

from types import MappingProxyType

GREETINGS = MappingProxyType({"de": "Hallo", "en": "Hello", "es": "Hola", "fr": "Bonjour"})
SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(sorted(GREETINGS))
MAX_NAME_LENGTH = 64


class GreetingError(ValueError):
    """A name or language cannot be used in a greeting."""


def normalize_name(name: str) -> str:
    """Collapse whitespace in ``name`` and check it is 1..64 printable characters.

    Raises
    ------
    GreetingError
        If the name is empty, too long or contains non-printable characters.
    """
    cleaned = " ".join(name.split())
    if not cleaned:
        raise GreetingError("name must not be empty")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise GreetingError(f"name must be at most {MAX_NAME_LENGTH} characters, got {len(cleaned)}")
    if not cleaned.isprintable():
        raise GreetingError("name must contain only printable characters")
    return cleaned


def build_greeting(name: str, language: str = "en") -> str:
    """Return e.g. ``"Hola, Ada!"`` for ``("  Ada ", "es")``.

    Raises
    ------
    GreetingError
        If the name is invalid or the language is not one of ``SUPPORTED_LANGUAGES``.
    """
    if language not in GREETINGS:
        raise GreetingError(f"language {language!r} is not supported: expected one of {', '.join(SUPPORTED_LANGUAGES)}")
    return f"{GREETINGS[language]}, {normalize_name(name)}!"
