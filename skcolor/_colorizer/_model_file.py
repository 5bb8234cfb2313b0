"""The ``.keras`` files of :meth:`AutoencoderColorizer.save`: the whole save record.

A saved estimator is a regular Keras archive with skcolor's record added as one
JSON member; what the record holds is the estimator's (its ``FITTED_STATE``).
:func:`write_model_file` writes the archive. Before Keras opens a file,
:func:`read_model_record` makes sure it is complete, not a decompression bomb, of
a save format this skcolor reads, with the record fields the estimator asks for,
and free of serialized Python code; :func:`load_keras_model` then loads it in
safe mode, and :func:`saved_params` translates the parameters of earlier skcolors.
"""

import json
import os
import zipfile
import zlib
from pathlib import Path

from .._version import __version__
from ..io import replacing_atomically

# Name of the estimator's own record inside a saved ``.keras`` archive, and the
# version of that record's layout. Compatibility rule: ``load`` reads the formats in
# _READABLE_FORMATS. A change an older reader can ignore keeps the number (a new
# optional key; a new parameter, whose default then applies to older files); any
# other change bumps it. A file of another format, or with parameters this skcolor
# does not know, is refused with both skcolor versions named.
_PARAMS_ENTRY = "skcolor.json"
_SAVE_FORMAT = 1
_READABLE_FORMATS = (1,)
#: Largest total unpacked size, in bytes, of the members of a model file that
#: ``load`` accepts: far above any skcolor network (the shipped one unpacks to
#: about 8 MB), far below what would exhaust a machine. Checking every member's
#: checksum, as ``load`` does, unpacks each member, and zipfile never unpacks more
#: than a member declares, so this bounds the work a hostile archive can cause.
MAX_MODEL_BYTES = 2 * 1024**3


def load_keras_model(path):
    """The Keras model in a file that :func:`read_model_record` accepted, in safe mode.

    Keras reports what it refuses with many exception types; they become one
    ``ValueError`` naming the file.
    """
    import keras

    try:
        return keras.saving.load_model(path, safe_mode=True)
    except MemoryError:
        raise
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise ValueError(
            f"Keras could not load the model in {str(path)!r} in safe mode "
            f"({type(exc).__name__}: {reason}). skcolor loads models in safe mode only."
        ) from exc


def saved_params(params):
    """Saved parameters in today's form: tuples for lists, and early stopping as
    ``early_stopping`` (bool) with ``n_iter_no_change`` (before 0.1, a patience or None)."""
    params = dict(params)
    if params.get("filters") is not None:
        params["filters"] = tuple(params["filters"])
    stopping = params.get("early_stopping")
    if isinstance(stopping, int) and not isinstance(stopping, bool):
        params["early_stopping"], params["n_iter_no_change"] = True, stopping
    elif "early_stopping" in params and stopping is None:
        params["early_stopping"] = False
    return params


def check_model_file(path, *, shipped=None):
    """Refuse a ``path`` that names no file: the one check of it, before Keras starts.

    Parameters
    ----------
    path : str or path-like
        The model file.
    shipped : str, default=None
        The name of the shipped model that ``path`` holds, if it is one: its
        absence is then a gap in this installation, and the message says so.

    Raises
    ------
    FileNotFoundError
        If nothing is at ``path``; the message starts with ``path``.
    ValueError
        If ``path`` is a folder.
    """
    path = Path(path)
    expected = "expected a .keras file written by AutoencoderColorizer.save"
    if not path.exists():
        if shipped is not None:
            expected = (f"this installation of skcolor lacks the {shipped!r} model; use a "
                        "colorizer you fitted, or saved with AutoencoderColorizer.save, instead")
        raise FileNotFoundError(f"{os.fspath(path)}: no such model file; {expected}.")
    if not path.is_file():
        raise ValueError(f"{os.fspath(path)}: a folder, not a model file; {expected}.")


def fit_token_of(path):
    """The ``fit_token`` in the record of the skcolor model file at ``path``: None for
    a file saved without one, False for a file that is not a readable skcolor model."""
    try:
        with zipfile.ZipFile(path) as archive:
            record = json.loads(archive.read(_PARAMS_ENTRY))
    except (OSError, KeyError, ValueError, RecursionError, zipfile.BadZipFile, zlib.error,
            EOFError):
        return False
    return record.get("fit_token") if isinstance(record, dict) else False


def write_model_file(path, model, record, *, include_optimizer=True):
    """Save ``model`` to ``path`` with ``record`` as skcolor's member, atomically.

    Parameters
    ----------
    path : str or path-like
        Destination ending in ``.keras``; its folder must exist. It is replaced in
        one rename once complete, so a failed save never leaves a partial file.
    model : keras.Model
    record : dict
        JSON-serialisable fitted state; ``format`` and ``skcolor_version`` are added.
    include_optimizer : bool, default=True
        Whether the archive keeps the model's optimizer and its state.
    """
    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"save needs a path ending in '.keras'; got {str(path)!r}.")
    if not include_optimizer:
        # A model rebuilt from its config is uncompiled (clone_model would share the
        # optimizer); only its weights need copying.
        weights = model.get_weights()
        model = type(model).from_config(model.get_config())
        model.set_weights(weights)
    record = {"format": _SAVE_FORMAT, "skcolor_version": __version__, **record}
    with replacing_atomically(path) as temporary:
        model.save(temporary)
        with zipfile.ZipFile(temporary, "a") as archive:
            archive.writestr(_PARAMS_ENTRY, json.dumps(record))


def _check_unpacked_size(path, archive):
    unpacked = sum(member.file_size for member in archive.infolist())
    if unpacked > MAX_MODEL_BYTES:
        raise ValueError(
            f"{str(path)!r} is refused: its members unpack to {unpacked:,} bytes, more than "
            f"the limit ({MAX_MODEL_BYTES:,}); a skcolor model is "
            "far smaller, so this is a damaged file or a decompression bomb."
        )


def read_model_record(path, param_names, fields):
    """skcolor's record in a saved ``.keras`` file, once the file is known to be
    complete, not oversized, of a readable format, and free of serialized Python code.

    Parameters
    ----------
    path : pathlib.Path
    param_names : collection of str
        The parameters the loading estimator knows; a record with others is refused.
    fields : dict of str to (tuple of type, bool)
        The record's fields besides ``params``: each key's accepted JSON types and
        whether the record must have it.

    Returns
    -------
    record : dict
        What :func:`write_model_file` was given, plus ``format`` and
        ``skcolor_version``.

    Raises
    ------
    FileNotFoundError
        If nothing is at ``path``.
    ValueError
        Naming the file and what is wrong with it.
    """
    path = Path(path)
    check_model_file(path)
    not_ours = (f"{str(path)!r} is not a skcolor model (a .keras file written by "
                "AutoencoderColorizer.save)")
    try:
        with zipfile.ZipFile(path) as archive:
            _check_unpacked_size(path, archive)
            damaged_member = archive.testzip()  # reads every member: catches corrupt data
            names = set(archive.namelist())
            raw_record = archive.read(_PARAMS_ENTRY) if _PARAMS_ENTRY in names else None
            raw_config = archive.read("config.json") if "config.json" in names else None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise ValueError(
            f"{not_ours}: it is not a complete zip archive (truncated, damaged, or another "
            "kind of file)."
        ) from exc
    if damaged_member is not None:
        raise ValueError(
            f"{str(path)!r} is damaged: its member {damaged_member!r} fails its checksum."
        )
    if raw_record is None:
        hint = (" It looks like a plain Keras model: load it with keras.saving.load_model."
                if raw_config is not None else "")
        raise ValueError(f"{not_ours}: it has no {_PARAMS_ENTRY} record.{hint}")
    try:
        record = json.loads(raw_record)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        record = None
    if not isinstance(record, dict):
        raise ValueError(
            f"{str(path)!r} is damaged: its {_PARAMS_ENTRY} record is not a JSON object."
        )
    _check_format(path, record)
    fields = {"params": ((dict,), True), **fields}
    problems = [f"no {key}" for key, (_, required) in fields.items()
                if required and key not in record] + [
        f"a malformed {key}" for key, (kinds, _) in fields.items()
        if key in record and not isinstance(record[key], kinds)]
    if problems:
        raise ValueError(
            f"{str(path)!r} is damaged: its {_PARAMS_ENTRY} record has {', '.join(problems)}."
        )
    unknown = sorted(set(record["params"]) - set(param_names))
    if unknown:
        raise ValueError(
            f"{str(path)!r} was saved by skcolor {record.get('skcolor_version')} with parameters "
            f"this skcolor {__version__} does not know ({', '.join(unknown)}): upgrade skcolor "
            "to load it."
        )
    try:
        code = sorted(set(_serialized_code(_parse_json(raw_config))))
    except RecursionError:
        code = ["a config nested too deeply to inspect"]
    if code:
        raise ValueError(
            f"{str(path)!r} is refused: its model holds Python code ({', '.join(code)}), which "
            "would run when loaded. skcolor loads models in Keras' safe mode only."
        )
    return record


def _check_format(path, record):
    saved_format, saved_version = record.get("format"), record.get("skcolor_version", "unknown")
    if not isinstance(saved_format, int) or isinstance(saved_format, bool):
        raise ValueError(
            f"{str(path)!r} is damaged: its {_PARAMS_ENTRY} record has no format number."
        )
    if saved_format in _READABLE_FORMATS:
        return
    if saved_format > max(_READABLE_FORMATS):
        advice = "upgrade skcolor to load it"
    else:
        advice = f"load it with skcolor {saved_version}, or train it again"
    readable = ", ".join(str(number) for number in _READABLE_FORMATS)
    raise ValueError(
        f"{str(path)!r} was saved by skcolor {saved_version} in save format {saved_format}; "
        f"this skcolor {__version__} reads format {readable}: {advice}."
    )


def _parse_json(raw):
    try:
        return json.loads(raw) if raw is not None else None
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return None  # Keras' own loader reports a damaged config


def _serialized_code(config):
    """Names of the places in a Keras config that carry Python bytecode."""
    if isinstance(config, dict):
        kind = config.get("class_name")
        if kind == "Lambda":
            inner = config.get("config")
            yield f"Lambda layer {inner.get('name') if isinstance(inner, dict) else None!r}"
        elif kind == "__lambda__":
            yield "a serialized Python function"
        for value in config.values():
            yield from _serialized_code(value)
    elif isinstance(config, list):
        for value in config:
            yield from _serialized_code(value)
