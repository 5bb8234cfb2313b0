"""Keep TensorFlow's C++ log lines off the command line's stderr.

TensorFlow's native code logs through absl straight to file descriptor 2, before
and regardless of ``TF_CPP_MIN_LOG_LEVEL`` (TensorFlow 2.21 writes
``E0000 ... failed call to cuInit`` on every machine without a GPU, which a user
reads as a failure). No setting silences all of it, so the command line reads
file descriptor 2 through a pipe and passes on every line except absl's, while
Python's own ``sys.stderr`` writes to the real stderr directly (so a terminal
stays a terminal for the progress line). ``skcolor --verbose`` leaves it all.
"""

import contextlib
import io
import os
import re
import sys
import threading

# absl's prefix "E0000 00:00:1796470841.591186    3001 file.cc:52] ", the notice absl
# prints before its logging is initialised, and the second line of TensorFlow's
# CPU-feature note.
_NATIVE_LOG = re.compile(
    rb"^(?:[IWEF]\d{4} \d\d:\d\d:[\d.]+ +\d+ [^ \]]+:\d+\] "
    rb"|WARNING: All log messages before absl::InitializeLog\(\) is called"
    rb"|To enable the following instructions: .* rebuild TensorFlow)"
)


def is_native_log_line(line):
    """Whether ``line`` (bytes) is one of TensorFlow's native log lines."""
    return bool(_NATIVE_LOG.match(line.lstrip(b"\r")))


@contextlib.contextmanager
def native_logs_filtered():
    """Within the block, drop native log lines written to file descriptor 2.

    Does nothing if ``sys.stderr`` is not the process's own stderr (a test's
    capture, an embedding program), whose owner decides what to show.
    """
    if sys.stderr is not sys.__stderr__ or not hasattr(os, "pipe"):
        yield
        return
    try:
        sys.stderr.flush()
        real_fd = os.dup(2)
    except (OSError, ValueError):  # no usable stderr at all
        yield
        return
    read_fd, write_fd = os.pipe()
    os.dup2(write_fd, 2)
    os.close(write_fd)
    passer = threading.Thread(target=_pass_on, args=(read_fd, real_fd), daemon=True)
    passer.start()
    python_stderr = sys.stderr
    sys.stderr = io.TextIOWrapper(open(os.dup(real_fd), "wb", buffering=0),
                                  encoding=python_stderr.encoding, errors="backslashreplace",
                                  line_buffering=True, write_through=True)
    try:
        yield
    finally:
        sys.stderr.flush()
        sys.stderr.close()
        sys.stderr = python_stderr
        os.dup2(real_fd, 2)  # closes the pipe's last write end: the reader sees its end
        passer.join(timeout=10)
        os.close(real_fd)


def _pass_on(read_fd, real_fd):
    """Copy what arrives on ``read_fd`` to ``real_fd``, line by line, less native logs."""
    pending = b""
    with open(read_fd, "rb", buffering=0) as pipe:
        while chunk := pipe.read(65536):
            pending += chunk
            *lines, pending = pending.split(b"\n")
            kept = b"".join(line + b"\n" for line in lines if not is_native_log_line(line))
            if kept:
                os.write(real_fd, kept)
    if pending and not is_native_log_line(pending):
        os.write(real_fd, pending)
