"""The catalogue, one module per family; importing this package registers every rule.

relevance, goals, plausibility, template and official hold the checks of issue 23 (their settings
are the blocks of the same names in defaults.toml)."""

from . import arithmetic, coherence, duplication, national, quantification, special, structure  # noqa: F401
from . import goals, official, plausibility, relevance, template  # noqa: F401
