"""Inside a pooled report kernel (see ``pool.py``): what a unit may change in the kernel's process,
recorded once when the kernel starts and put back before every later unit.

``snapshot()`` runs (silently, through the kernel client) right after a pool kernel has started,
before any unit; ``restore(log_file)`` before each unit after the first. Restored:

- the IPython session: the user namespace (``%reset -f``) and the execution count, which starts
  at 1 again, as in a new kernel;
- the process: working directory, environment, ``sys.path``, ``sys.argv``, warning filters, the
  root logger's handlers and level, and where file descriptors 1 and 2 (the kernel's own
  output, e.g. a crash report) go: the current unit's log;
- modules: every ``perfaudit`` module is put back as it was imported (its namespace, and the
  namespace of each class it defines), and ``perfaudit`` modules imported since are forgotten, so
  a unit that monkeypatches the package changes nothing for the next one;
- matplotlib: pyplot figures left open are closed, ``rcParams``, the registered fonts and the
  inline backend's settings are put back;
- pandas: every option changed since is set back.

Not restored (and not used by the report code): third-party modules other than these, imported by a
unit (they stay imported), random generator states, IPython configuration of classes not yet
instantiated (``%config``), and objects reachable only from outside the user namespace. A kernel is also never reused after a unit that failed, and is replaced after
``pool.RECYCLE_AFTER`` units in any case.

Standard library only at import: the kernel zygote preloads this module before it forks.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from dataclasses import dataclass
from types import ModuleType

OWN_PACKAGE = "perfaudit"


@dataclass
class _State:
    cwd: str
    environ: dict[str, str]
    path: list[str]
    argv: list[str]
    warning_filters: list
    log_handlers: list
    log_level: int
    modules: dict[str, ModuleType]
    namespaces: dict[str, dict]
    class_namespaces: dict[type, dict]
    rc_params: dict
    fonts: list
    inline_backend: dict
    pandas_options: dict


_state: _State | None = None


def _own_modules() -> dict[str, ModuleType]:
    """The package's modules, except this one (whose namespace holds the snapshot)."""
    return {name: module for name, module in sys.modules.items()
            if module is not None and name != __name__ and (name == OWN_PACKAGE or name.startswith(OWN_PACKAGE + "."))}


def _own_classes(modules: dict[str, ModuleType]) -> dict[type, dict]:
    return {value: dict(vars(value)) for name, module in modules.items() for value in vars(module).values()
            if isinstance(value, type) and value.__module__ == name}


def _inline_backend():
    from matplotlib_inline.config import InlineBackend

    return InlineBackend.instance()


def _pandas_options() -> dict:
    import pandas
    from pandas._config.config import _registered_options

    return {key: pandas.get_option(key) for key in _registered_options}


def snapshot() -> None:
    """Record the kernel's state before its first unit (and keep what exists now out of the
    garbage collector's way: the reset's full collection then only walks the units' objects)."""
    global _state
    import gc

    import matplotlib
    from matplotlib import font_manager

    modules = _own_modules()
    backend = _inline_backend()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reading deprecated pandas options warns
        pandas_options = _pandas_options()
    _state = _State(
        cwd=os.getcwd(), environ=dict(os.environ), path=list(sys.path), argv=list(sys.argv),
        warning_filters=list(warnings.filters), log_handlers=list(logging.root.handlers),
        log_level=logging.root.level, modules=modules,
        namespaces={name: dict(vars(module)) for name, module in modules.items()},
        class_namespaces=_own_classes(modules), rc_params=dict(matplotlib.rcParams),
        fonts=list(font_manager.fontManager.ttflist),
        inline_backend={name: getattr(backend, name) for name in backend.trait_names()},
        pandas_options=pandas_options,
    )
    gc.freeze()


def _restore_namespace(target: dict | type, saved: dict) -> None:
    if isinstance(target, dict):
        target.clear()
        target.update(saved)
        return
    for name in set(vars(target)) - set(saved):
        delattr(target, name)
    for name, value in saved.items():
        if name not in ("__dict__", "__weakref__") and vars(target).get(name, _MISSING) is not value:
            setattr(target, name, value)


_MISSING = object()


def restore(log_file: str | None) -> None:
    """Put the kernel back as ``snapshot`` found it (see the module docstring)."""
    if _state is None:
        raise RuntimeError("state.restore before snapshot")
    import matplotlib
    from IPython import get_ipython
    from matplotlib import font_manager

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    get_ipython().reset(new_session=True)

    os.chdir(_state.cwd)
    os.environ.clear()
    os.environ.update(_state.environ)
    sys.path[:] = _state.path
    sys.argv[:] = _state.argv
    warnings.filters[:] = _state.warning_filters
    warnings._filters_mutated()
    logging.root.handlers[:] = _state.log_handlers
    logging.root.setLevel(_state.log_level)
    if log_file:
        log = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)

    for name in set(_own_modules()) - set(_state.modules):
        del sys.modules[name]  # imported by the unit: imported afresh by the next one that needs it
    sys.modules.update(_state.modules)
    for name, module in _state.modules.items():
        _restore_namespace(vars(module), _state.namespaces[name])
    for cls, saved in _state.class_namespaces.items():
        _restore_namespace(cls, saved)

    dict.update(matplotlib.rcParams, _state.rc_params)  # the saved values were validated once already
    font_manager.fontManager.ttflist[:] = _state.fonts
    font_manager.fontManager._findfont_cached.cache_clear()
    backend = _inline_backend()
    for name, value in _state.inline_backend.items():
        if getattr(backend, name) != value:
            setattr(backend, name, value)
    import pandas

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key, value in _state.pandas_options.items():
            if pandas.get_option(key) != value:
                pandas.set_option(key, value)
