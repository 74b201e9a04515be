"""The catalogue, one module per family; importing this package registers every rule."""

from . import arithmetic, coherence, duplication, national, quantification, special, structure  # noqa: F401
