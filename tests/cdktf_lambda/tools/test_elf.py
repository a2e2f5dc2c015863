"""ELF machine and the highest GLIBC symbol version, read with struct only, checked against real binaries."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from cdktf_lambda.tools.elf import NotElfError, architecture_machine, read_elf, version_tuple

LS = Path(shutil.which("ls") or "/bin/ls").resolve()


def readelf_glibc(path: Path) -> str | None:
    """The highest GLIBC_ version ``readelf -V`` lists (binutils), for comparison."""
    readelf = shutil.which("readelf")
    assert readelf, "binutils' readelf is needed to cross-check the reader"
    output = subprocess.run([readelf, "-V", "-W", str(path)], capture_output=True, text=True, check=True).stdout
    versions = {word.split("_", 1)[1] for word in output.split() if word.startswith("GLIBC_2")}
    return max(versions, key=version_tuple) if versions else None


def test_reads_the_machine_and_the_glibc_version_readelf_reports():
    info = read_elf(LS.read_bytes())
    assert info.machine == architecture_machine("x86_64") == 62 and info.machine_name == "x86_64"
    assert info.highest("GLIBC") == readelf_glibc(LS)
    assert "libc.so.6" in info.needs


def test_the_same_versions_without_section_headers():
    data = bytearray(LS.read_bytes())
    struct.pack_into("<Q", data, 0x28, 0)  # e_shoff
    struct.pack_into("<H", data, 0x3C, 0)  # e_shnum
    assert read_elf(bytes(data)).highest("GLIBC") == read_elf(LS.read_bytes()).highest("GLIBC")


def test_another_machine_is_named():
    data = bytearray(LS.read_bytes())
    struct.pack_into("<H", data, 18, 183)
    assert read_elf(bytes(data)).machine_name == "aarch64"
    assert architecture_machine("arm64") == 183


@pytest.mark.parametrize("data", [b"", b"#!/bin/sh\n", b"\x7fELF\x09\x01" + b"\0" * 60, LS.read_bytes()[:80]])
def test_what_is_not_a_whole_elf_file_is_refused(data):
    with pytest.raises(NotElfError):
        read_elf(data)
