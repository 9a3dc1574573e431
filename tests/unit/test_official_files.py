"""The official input files shipped in data/official/ are the published bytes, and SHA256SUMS says so."""

from __future__ import annotations

import hashlib

from tests.conftest import SHIPPED_OFFICIAL

NOT_INPUTS = {"README.md", "SHA256SUMS"}  # the folder's own notes; dotfiles (.gitattributes) too


def checksums() -> dict[str, str]:
    """SHA256SUMS as file name -> sha256 (sha256sum's format: digest, two spaces, name)."""
    listed = {}
    for number, line in enumerate((SHIPPED_OFFICIAL / "SHA256SUMS").read_text().splitlines(), start=1):
        digest, separator, name = line.partition("  ")
        assert separator and len(digest) == 64 and name, f"SHA256SUMS line {number} is not 'DIGEST  NAME': {line!r}"
        assert name not in listed, f"SHA256SUMS lists {name} twice"
        listed[name] = digest
    return listed


def test_sha256sums_lists_exactly_the_files_present():
    present = {p.name for p in SHIPPED_OFFICIAL.iterdir() if p.name not in NOT_INPUTS and not p.name.startswith(".")}
    assert present == set(checksums())
    assert len(present) == 2


def test_every_file_has_its_listed_sha256():
    for name, digest in checksums().items():
        assert hashlib.sha256((SHIPPED_OFFICIAL / name).read_bytes()).hexdigest() == digest, name
