"""Package sizes in a layer: files mapped to distributions by RECORD, unrecorded files by their directory."""

from __future__ import annotations

from cdktf_lambda.packaging.package_sizes import (
    OTHER,
    PackageSize,
    describe,
    package_sizes,
    read_sizes,
    record_owners,
    write_sizes,
)


def installed_tree(root, records: dict[str, list[str]]):
    """A ``--target`` tree: for each ``name-version``, its files (listed in its RECORD) with 100 bytes each."""
    for dist, files in records.items():
        info = root / f"{dist}.dist-info"
        info.mkdir(parents=True)
        for relative in files:
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_bytes(b"x" * 100)
        rows = [f"{relative},sha256=abc,100" for relative in files] + [f"{dist}.dist-info/RECORD,,"]
        (info / "RECORD").write_text("\n".join(rows) + "\n")
    return root


def test_files_are_counted_for_the_distribution_that_installed_them(tmp_path):
    site = installed_tree(
        tmp_path,
        {
            "pydantic_core-2.50.5": ["pydantic_core/__init__.py", "pydantic_core/_core.so", "pydantic_core/_core.so.1"],
            "jaraco_context-6.1.2": ["jaraco/context/__init__.py"],
            "jaraco_functools-4.0": ["jaraco/functools/__init__.py"],
            "docopt-0.6.2": ["docopt.py"],
        },
    )
    owners = record_owners(site)
    assert owners["jaraco/context/__init__.py"] == ("jaraco-context", "6.1.2")
    files = [(path, 100) for path in owners if not path.endswith("RECORD")]
    files += [
        ("jaraco/context/__pycache__/__init__.cpython-313.pyc", 40),  # compiled after the install: by directory
        ("jaraco/README.txt", 7),  # in the namespace directory both share: no single owner
        ("docopt-0.6.2.dist-info/METADATA", 5),
    ]
    sizes = package_sizes(files, owners)
    assert sizes[0] == PackageSize("pydantic-core", "2.50.5", 300)
    by_name = {size.name: size.size for size in sizes}
    assert by_name == {"pydantic-core": 300, "jaraco-context": 140, "jaraco-functools": 100, "docopt": 105, OTHER: 7}
    assert describe(sizes, 2) == "pydantic-core 0.0 MiB, jaraco-context 0.0 MiB"


def test_sizes_travel_beside_the_cached_zip(tmp_path):
    zip_path = tmp_path / "deps-python3.13-x86_64-abc.zip"
    assert read_sizes(zip_path) is None
    sizes = (PackageSize("pydantic-core", "2.50.5", 5 * 2**20), PackageSize("docopt", "0.6.2", 20_000))
    write_sizes(zip_path, sizes)
    assert read_sizes(zip_path) == sizes
    assert str(sizes[0]) == "pydantic-core 5.0 MiB"
    zip_path.with_suffix(".sizes.json").write_text("{broken")
    assert read_sizes(zip_path) is None
