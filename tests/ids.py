"""Unit ids of documents the tests make from the samples, computed the way ingest computes them."""

from perfaudit.ingest.assemble import unit_id
from perfaudit.ingest.cells import Ref
from perfaudit.ingest.parsed import ParsedUnit

JULU_UNIT, JULU_DEPARTMENT = "巨鹿县文学艺术界联合会本级", "巨鹿县文学艺术界联合会"


def julu_copy(code: str, name: str = JULU_UNIT) -> str:
    """The id of a copy of the Julu sample with another unit code (and name)."""
    return unit_id(ParsedUnit(name, Ref(line=1), code=code, department=JULU_DEPARTMENT))
