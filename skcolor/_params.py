"""A declarative table of parameters: accepted forms and a short description each.

Each parameter maps to a :class:`Param`: the forms it accepts (a value must match
one of them) and a one-line description, which ``skcolor train --help`` shows. A
value of the right type but out of range raises ``ValueError``; a value of the
wrong type raises ``TypeError``. Both messages name the estimator, the parameter,
what it accepts and what it got.

The idea is scikit-learn's ``_parameter_constraints``, but the names are our own
(``_param_table``, ``check_params``): scikit-learn's validation objects live in a
private module whose API changes between releases, and its own
``BaseEstimator._validate_params`` and estimator checks read
``_parameter_constraints`` expecting its objects, so ours must not take that name.
"""

import functools
import inspect
import numbers
import os
from pathlib import Path

import numpy as np


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


class Interval:
    """An int or a real number between ``low`` and ``high`` (``None`` is unbounded)."""

    def __init__(self, kind, low, high, *, closed="both"):
        self.kind, self.low, self.high, self.closed = kind, low, high, closed

    def matches_type(self, value):
        return _is_int(value) if self.kind is int else _is_real(value)

    def accepts(self, value):
        if not self.matches_type(value):
            return False
        # NaN fails every comparison, and inf is no rate or size. (Python ints are
        # finite, and may be too large for np.isfinite.)
        if not isinstance(value, numbers.Integral) and not np.isfinite(value):
            return False
        low_ok = self.low is None or (
            value >= self.low if self.closed in ("both", "left") else value > self.low
        )
        high_ok = self.high is None or (
            value <= self.high if self.closed in ("both", "right") else value < self.high
        )
        return low_ok and high_ok

    def __str__(self):
        name = "an int" if self.kind is int else "a float"
        left = "[" if self.closed in ("both", "left") else "("
        right = "]" if self.closed in ("both", "right") else ")"
        low = "-inf" if self.low is None else self.low
        high = "inf" if self.high is None else self.high
        return f"{name} in {left}{low}, {high}{right}"


class Options:
    """One of a fixed set of values (strings, ``None``, booleans).

    ``ignore_case=True`` accepts strings in any case (file suffixes: ``".PNG"``).
    """

    def __init__(self, *values, ignore_case=False):
        self.values, self.ignore_case = values, ignore_case

    def matches_type(self, value):
        # isinstance, so that NumPy strings (from an array of options in a grid search)
        # pass; bool is never an option's type for an int, nor the reverse.
        return any(isinstance(value, type(v)) for v in self.values)

    def accepts(self, value):
        if self.ignore_case and isinstance(value, str):
            value = value.lower()
        return any(value is v or (isinstance(value, type(v)) and value == v) for v in self.values)

    def __str__(self):
        return "one of " + ", ".join(repr(v) for v in self.values)


class Keys:
    """One of the keys of ``mapping`` at the time of the check (a registry that grows)."""

    def __init__(self, mapping):
        self.mapping = mapping

    def matches_type(self, value):
        return isinstance(value, str)

    def accepts(self, value):
        return isinstance(value, str) and value in self.mapping

    def __str__(self):
        return "one of " + ", ".join(repr(key) for key in self.mapping)


class KerasCallbacks:
    """A list or tuple of Keras callbacks (objects with ``set_model`` and ``on_epoch_end``)."""

    def matches_type(self, value):
        return isinstance(value, (list, tuple))

    def accepts(self, value):
        return self.matches_type(value) and all(
            callable(getattr(item, "set_model", None)) and callable(getattr(item, "on_epoch_end", None))
            for item in value)

    def __str__(self):
        return "a list of keras.callbacks.Callback"


class IntTuple:
    """A non-empty tuple or list of ints, each at least ``low``; of ``length`` ints if given."""

    def __init__(self, low=1, *, length=None):
        self.low, self.length = low, length

    def matches_type(self, value):
        return isinstance(value, (tuple, list))

    def accepts(self, value):
        return (
            self.matches_type(value)
            and len(value) > 0
            and (self.length is None or len(value) == self.length)
            and all(_is_int(v) and v >= self.low for v in value)
        )

    def __str__(self):
        count = "a non-empty tuple" if self.length is None else f"a tuple of {self.length}"
        return f"{count} of ints >= {self.low}"


class RangePair:
    """A pair ``(low, high)`` with ``low <= high``, each accepted by ``interval``."""

    def __init__(self, interval):
        self.interval = interval

    def matches_type(self, value):
        # A 1-D array too: NumPy users write a range as one.
        return isinstance(value, (tuple, list)) or (
            isinstance(value, np.ndarray) and value.ndim == 1)

    def accepts(self, value):
        return (
            self.matches_type(value)
            and len(value) == 2
            and all(self.interval.accepts(v) for v in value)
            and value[0] <= value[1]
        )

    def __str__(self):
        return f"a pair (low, high) with low <= high, each {self.interval}"


class FilePath:
    """A path (``str`` or ``os.PathLike``) whose file name has the extension ``suffix``.

    Only the name is checked: whether the folder exists is a question for ``fit``.
    """

    def __init__(self, suffix):
        self.suffix = suffix

    def matches_type(self, value):
        return isinstance(value, (str, os.PathLike)) and isinstance(os.fspath(value), str)

    def accepts(self, value):
        return self.matches_type(value) and Path(os.fspath(value)).suffix == self.suffix

    def __str__(self):
        return f"a path ending in {self.suffix!r}"


class RandomState:
    """``None``, a non-negative int seed or a ``numpy.random.RandomState``."""

    def matches_type(self, value):
        return value is None or _is_int(value) or isinstance(value, np.random.RandomState)

    def accepts(self, value):
        return self.matches_type(value) and not (_is_int(value) and not 0 <= value < 2**32)

    def __str__(self):
        return "None, an int in [0, 2**32) or a numpy.random.RandomState"


class Param:
    """One parameter's accepted forms (any of ``constraints``) and its one-line ``help``.

    ``help`` is what ``skcolor train --help`` shows; a public function's parameter,
    documented in its docstring, needs none.
    """

    def __init__(self, constraints, help=""):
        self.constraints, self.help = tuple(constraints), help

    def __str__(self):
        return " or ".join(str(constraint) for constraint in self.constraints)


def check_params(estimator, table):
    """Check every parameter of ``estimator`` named in ``table`` (name → :class:`Param`).

    Raises
    ------
    TypeError
        If a value has none of the accepted types.
    ValueError
        If a value has an accepted type but none of the accepted values.
    """
    check_values(type(estimator).__name__,
                 {name: getattr(estimator, name) for name in table}, table)


def check_values(owner, values, table):
    """Check each ``values[name]`` against ``table[name]``; messages name ``owner``.

    Raises
    ------
    TypeError, ValueError
        As :func:`check_params`.
    """
    for name, param in table.items():
        value, accepted = values[name], param.constraints
        if any(constraint.accepts(value) for constraint in accepted):
            continue
        expected = str(param)
        message = f"The {name!r} parameter of {owner} must be {expected}; got {value!r}."
        if any(constraint.matches_type(value) for constraint in accepted):
            raise ValueError(message)
        raise TypeError(message)


def validate_params(table):
    """Decorator: check a public function's arguments named in ``table`` when it is called.

    ``table`` maps argument names to :class:`Param`, as the estimators' tables
    do, so that the same mistake raises the same exception with the same words
    from a function as from ``fit`` (scikit-learn's ``validate_params`` is the
    model). Options a function takes through ``**kwargs`` are checked as named
    arguments are; those left out are not (the function that receives them
    holds their defaults).
    """

    def decorate(function):
        signature = inspect.signature(function)
        owner = f"{function.__name__}()"
        keywords = next((parameter.name for parameter in signature.parameters.values()
                         if parameter.kind is parameter.VAR_KEYWORD), None)
        unknown = sorted(set(table) - set(signature.parameters))
        if unknown and keywords is None:
            # A misspelt name in a table would otherwise leave its argument unchecked.
            raise TypeError(f"{owner} has no parameter {', '.join(map(repr, unknown))}.")

        @functools.wraps(function)
        def checked(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            values = {**bound.arguments, **bound.arguments.get(keywords, {})}
            check_values(owner, values, {name: param for name, param in table.items()
                                         if name in values})
            return function(*args, **kwargs)

        return checked

    return decorate
