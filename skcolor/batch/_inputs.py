"""Turn inputs (files, folders, glob patterns) into input → output pairs (jobs).

Plain file-system work, no images read: ``skcolor.batch._run`` plans its jobs with it."""

import glob
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..video._io import is_video, is_video_path, video_output_path

_GLOB_CHARACTERS = frozenset("*?[")


@dataclass(frozen=True)
class Job:
    """One image to colorize: where it is read and where its output goes."""

    source: Path
    target: Path


@dataclass
class FoundInputs:
    """What the inputs name.

    Attributes
    ----------
    jobs : list of Job
        Images to colorize, in the order found (each folder sorted).
    problems : list of (str, str)
        ``(input, reason)`` for each input, or file, that cannot be used.
    ignored : int
        Files passed over in folder and pattern searches (no image suffix, hidden).
    """

    jobs: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    ignored: int = 0


def find_jobs(inputs, outdir, *, suffixes):
    """Expand files, folders and glob patterns into jobs writing under ``outdir``.

    A file named directly goes to ``outdir / name``. A file found in a folder keeps
    its path relative to that folder; one matched by a pattern, its path relative
    to the pattern's leading part without wildcards. Folder searches are
    recursive and skip hidden files and folders, and ``outdir`` itself. A file
    found twice is colorized once.

    Parameters
    ----------
    inputs : list of str
        Files, folders and glob patterns, as typed.
    outdir : pathlib.Path
        The output folder.
    suffixes : tuple of str
        Lower-case image suffixes to look for, such as ``(".png", ".jpg")``.

    Returns
    -------
    found : FoundInputs

    Raises
    ------
    ValueError
        If two different inputs would be written to the same output file.
    """
    found = FoundInputs()
    search = _Search(outdir.resolve(), tuple(suffixes), found)
    candidates = []  # (source, path relative to outdir)
    for text in inputs:
        path = Path(text)
        if path.is_dir():
            candidates.extend(search.walk(path, base=path))
        elif path.is_file():
            if path.suffix.lower() in suffixes or is_video(path):  # clips by content too
                candidates.append((path, Path(path.name)))
            else:
                found.problems.append(
                    (text, f"not an image file name (expected one of {', '.join(suffixes)})")
                )
        elif _GLOB_CHARACTERS & set(text):
            matches = search.glob(text)
            if not matches:
                found.problems.append((text, "no image file matches this pattern"))
            candidates.extend(matches)
        else:
            found.problems.append((text, "no such file or folder"))
    _add_jobs(found, candidates, outdir)
    return found


def _add_jobs(found, candidates, outdir):
    seen_sources, source_of_target = set(), {}
    for source, relative in candidates:
        source_key = source.resolve()
        if source_key in seen_sources:
            continue  # named twice, e.g. as a file and inside a folder
        seen_sources.add(source_key)
        target = outdir / relative
        if is_video_path(source):  # a clip whose container is not written goes to .mp4
            target = video_output_path(target)
        target_key = target.resolve()
        if target_key in source_of_target:
            raise ValueError(
                f"{os.fspath(source_of_target[target_key])} and {os.fspath(source)} would both "
                f"be written to {os.fspath(target)}; colorize them into different output folders"
            )
        source_of_target[target_key] = source
        if target_key == source_key or (target.exists() and os.path.samefile(target, source)):
            found.problems.append(
                (os.fspath(source), "its output would replace the input itself; choose another output folder")
            )
            continue
        found.jobs.append(Job(source, target))


@dataclass
class _Search:
    outdir: Path  # resolved
    suffixes: tuple
    found: FoundInputs

    def walk(self, folder, *, base):
        """``(file, path relative to base)`` of the images under ``folder``, sorted."""
        matches = []
        for dirpath, dirnames, filenames in os.walk(folder):
            # Prune in place: hidden folders, and the output folder, so that a rerun
            # does not colorize its own outputs.
            dirnames[:] = sorted(
                name for name in dirnames
                if not name.startswith(".") and Path(dirpath, name).resolve() != self.outdir
            )
            for name in sorted(filenames):
                path = Path(dirpath, name)
                if name.startswith(".") or path.suffix.lower() not in self.suffixes:
                    self.found.ignored += 1
                else:
                    matches.append((path, path.relative_to(base)))
        return matches

    def glob(self, pattern):
        """``(file, path relative to the pattern's fixed part)`` of the pattern's images."""
        parts = Path(pattern).parts
        fixed = 0
        while fixed < len(parts) and not (_GLOB_CHARACTERS & set(parts[fixed])):
            fixed += 1
        base = Path(*parts[:fixed]) if fixed else Path(".")
        matches = []
        for match in sorted(glob.glob(pattern, recursive=True)):
            path = Path(match)
            resolved = path.resolve()
            if resolved == self.outdir or self.outdir in resolved.parents:
                continue
            if path.is_dir():
                matches.extend(self.walk(path, base=base))
            elif path.suffix.lower() in self.suffixes:
                matches.append((path, _relative_to(path, base)))
            else:
                self.found.ignored += 1
        return matches


def _relative_to(path, base):
    try:
        return path.relative_to(base)
    except ValueError:  # glob spelled the path differently: keep the name only
        return Path(path.name)
