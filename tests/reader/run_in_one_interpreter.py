"""Run a page's blocks one after another in one interpreter, as a notebook would.

Run by the reader-path test with the reader's virtual environment's Python, in the
page's working folder: ``python run_in_one_interpreter.py BLOCKS.json``. Each block is
``{"syntax": "python" | "bash" | "sh", "segments": [[line, code], ...]}``; what each
printed (or the error it raised) is written to stdout as one JSON list. Uses only the
standard library: the reader's environment has none of this repository's code.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import traceback
from pathlib import Path


def main(path: str) -> None:
    page = json.loads(Path(path).read_text(encoding="utf-8"))
    namespace: dict = {"__name__": "__main__"}
    results = []
    for block in page:
        out = io.StringIO()
        error = None
        try:
            if block["syntax"] == "python":
                with contextlib.redirect_stdout(out):
                    for line, code in block["segments"]:
                        exec(compile("\n" * line + code, "block", "exec"), namespace)
            else:
                code = "".join(code for _line, code in block["segments"])
                shell = "/bin/bash" if block["syntax"] == "bash" else "/bin/sh"
                done = subprocess.run(
                    [shell, "-e", "-c", code], capture_output=True, text=True, check=False
                )
                out.write(done.stdout)
                if done.returncode:
                    error = f"exit code {done.returncode}: {done.stderr.strip()}"
        except Exception:
            error = traceback.format_exc(limit=-3)
        results.append({"output": out.getvalue(), "error": error})
        with contextlib.suppress(Exception):
            import matplotlib.pyplot as plt

            plt.close("all")
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
