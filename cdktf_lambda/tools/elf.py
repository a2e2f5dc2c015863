"""What a shared object needs to load: its ELF machine, and the highest ``GLIBC_x.y`` symbol version it requires.

Standard library only (:mod:`struct`). The versions come from the version-needs table (``SHT_GNU_verneed``,
``.gnu.version_r``), found through the section headers, or through ``PT_DYNAMIC``'s ``DT_VERNEED`` when the section
headers are stripped. :func:`read_elf` takes the file's bytes, so a zip member is checked without extracting it.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field

__all__ = ["MACHINES", "ElfInfo", "NotElfError", "architecture_machine", "read_elf", "version_tuple"]

#: ``e_machine`` values → names.
MACHINES: dict[int, str] = {
    3: "i386",
    40: "arm",
    62: "x86_64",
    183: "aarch64",
    243: "riscv64",
    21: "ppc64",
    22: "s390x",
}
_LAMBDA_MACHINE = {"x86_64": 62, "arm64": 183}
_SHT_GNU_VERNEED = 0x6FFFFFFE
_PT_LOAD, _PT_DYNAMIC = 1, 2
_DT_NULL, _DT_STRTAB, _DT_VERNEED, _DT_VERNEEDNUM = 0, 5, 0x6FFFFFFE, 0x6FFFFFFF


class NotElfError(ValueError):
    """The bytes are not an ELF file this reader understands."""


@dataclass(frozen=True)
class ElfInfo:
    """One ELF file: ``machine`` (``e_machine``), and each needed library's symbol versions."""

    machine: int
    elf_class: int
    needs: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def machine_name(self) -> str:
        return MACHINES.get(self.machine, f"unknown({self.machine})")

    def highest(self, prefix: str = "GLIBC") -> str | None:
        """The highest ``<prefix>_x.y`` version needed (``"2.17"``), or ``None``."""
        pattern = re.compile(re.escape(prefix) + r"_(\d+(?:\.\d+)*)")
        versions = [m.group(1) for names in self.needs.values() for n in names if (m := pattern.fullmatch(n))]
        return max(versions, key=version_tuple) if versions else None


def version_tuple(version: str) -> tuple[int, ...]:
    """``"2.34"`` → ``(2, 34)``."""
    return tuple(int(part) for part in version.split("."))


def architecture_machine(architecture: str) -> int:
    """The ``e_machine`` of a Lambda architecture: 62 for ``x86_64``, 183 for ``arm64``."""
    return _LAMBDA_MACHINE[architecture]


def _cstr(data: bytes, offset: int) -> str:
    return data[offset : data.index(b"\0", offset)].decode("ascii", "replace")


def _verneed(data: bytes, offset: int, count: int | None, strtab: int, order: str) -> dict[str, list[str]]:
    """Walk the ``Elf_Verneed``/``Elf_Vernaux`` chains (the same layout in ELF32 and ELF64)."""
    needs: dict[str, list[str]] = {}
    seen = 0
    while True:
        _version, aux_count, file_name, aux, following = struct.unpack_from(order + "HHIII", data, offset)
        names = needs.setdefault(_cstr(data, strtab + file_name), [])
        position = offset + aux
        for _ in range(aux_count):
            _hash, _flags, _other, name, next_aux = struct.unpack_from(order + "IHHII", data, position)
            names.append(_cstr(data, strtab + name))
            if not next_aux:
                break
            position += next_aux
        seen += 1
        if not following or (count is not None and seen >= count):
            return needs
        offset += following


def _from_sections(
    data: bytes, order: str, is64: bool, shoff: int, shentsize: int, shnum: int
) -> dict[str, list[str]] | None:
    layout = order + ("IIQQQQIIQQ" if is64 else "IIIIIIIIII")
    sections = [struct.unpack_from(layout, data, shoff + i * shentsize) for i in range(shnum)]
    for _name, kind, _flags, _addr, offset, size, link, info, _align, _entsize in sections:
        if kind == _SHT_GNU_VERNEED and size:
            return _verneed(data, offset, info or None, sections[link][4], order)
    return None


def _from_dynamic(
    data: bytes, order: str, is64: bool, phoff: int, phentsize: int, phnum: int
) -> dict[str, list[str]] | None:
    loads, dynamic = [], None
    for i in range(phnum):
        at = phoff + i * phentsize
        if is64:
            kind, _flags, offset, vaddr, _paddr, filesz, _memsz, _align = struct.unpack_from(
                order + "IIQQQQQQ", data, at
            )
        else:
            kind, offset, vaddr, _paddr, filesz, _memsz, _flags, _align = struct.unpack_from(
                order + "IIIIIIII", data, at
            )
        if kind == _PT_LOAD:
            loads.append((vaddr, offset, filesz))
        elif kind == _PT_DYNAMIC:
            dynamic = (offset, filesz)
    if dynamic is None:
        return None

    def file_offset(vaddr: int) -> int:
        for start, offset, size in loads:
            if start <= vaddr < start + size:
                return int(vaddr - start + offset)
        raise NotElfError("a dynamic entry points outside every PT_LOAD segment")

    entry = order + ("qQ" if is64 else "iI")
    tags: dict[int, int] = {}
    for at in range(dynamic[0], dynamic[0] + dynamic[1], struct.calcsize(entry)):
        tag, value = struct.unpack_from(entry, data, at)
        if tag == _DT_NULL:
            break
        tags.setdefault(tag, value)
    if _DT_VERNEED not in tags or _DT_STRTAB not in tags:
        return None
    strtab = file_offset(tags[_DT_STRTAB])
    return _verneed(data, file_offset(tags[_DT_VERNEED]), tags.get(_DT_VERNEEDNUM), strtab, order)


def read_elf(data: bytes) -> ElfInfo:
    """The machine and symbol-version needs of the ELF file ``data``.

    Raises
    ------
    NotElfError
        ``data`` is not an ELF file (or is truncated).
    """
    if data[:4] != b"\x7fELF" or len(data) < 64 or data[4] not in (1, 2) or data[5] not in (1, 2):
        raise NotElfError("not an ELF file")
    order, is64 = ("<" if data[5] == 1 else ">"), data[4] == 2
    header = order + ("HHIQQQIHHHHHH" if is64 else "HHIIIIIHHHHHH")
    try:
        _type, machine, _v, _entry, phoff, shoff, _fl, _eh, phentsize, phnum, shentsize, shnum, _shstrndx = (
            struct.unpack_from(header, data, 16)
        )
        needs = None
        if shoff and shnum:
            needs = _from_sections(data, order, is64, shoff, shentsize, shnum)
        if needs is None and phoff and phnum:
            needs = _from_dynamic(data, order, is64, phoff, phentsize, phnum)
    except (struct.error, IndexError, ValueError) as exc:
        if isinstance(exc, NotElfError):
            raise
        raise NotElfError(f"truncated or malformed ELF file: {exc}") from None
    return ElfInfo(machine, 64 if is64 else 32, {lib: tuple(sorted(set(v))) for lib, v in (needs or {}).items()})
