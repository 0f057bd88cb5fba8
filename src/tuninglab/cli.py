"""Command-line interface: ``python -m tuninglab <command> [options]``.

Commands:

* ``compare``: run search strategies on a bundled dataset with one budget of fits;
* ``benchmark``: run the benchmark behind the guide page and write its JSON.

To add a command, write a function that takes the ``subparsers`` object, adds a parser
with its options and sets ``handler`` (a function ``(args) -> int``) as a default,
then append the function to :data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from tuninglab import __version__, datasets
from tuninglab.search import benchmark, compare, problems
from tuninglab.search.problems import MODELS, describe_models
from tuninglab.search.strategies import STRATEGIES

BENCHMARK_FILE = "benchmark.json"
"""Where ``benchmark`` writes unless told: the current folder, not the installed package."""
EXIT_OK = 0
EXIT_STALE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
"""What a shell reports for a program stopped by Ctrl-C (128 + SIGINT)."""
EXIT_BROKEN_PIPE = 141
"""What a shell reports for a program stopped by a closed pipe (128 + SIGPIPE)."""


class UsageError(Exception):
    """Bad input found after parsing; reported like an argparse error (exit code 2)."""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value


def _add_problem_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dataset",
        default="digits",
        choices=datasets.DATASETS,
        help="bundled scikit-learn dataset (default: %(default)s)",
    )
    parser.add_argument(
        "--model",
        default="svc",
        choices=MODELS,
        help="model and its search space; the list is below (default: %(default)s)",
    )


def _add_compare(subparsers: argparse._SubParsersAction) -> None:
    models = "; ".join(f"{name}: {text}" for name, text in describe_models().items())
    strategies = "; ".join(f"{name}: {s.description}" for name, s in STRATEGIES.items())
    parser = subparsers.add_parser(
        "compare",
        help="compare search strategies on one problem with the same budget of fits",
        description=(
            "Run search strategies on a ready-made problem with the same budget of model "
            "fits, over several seeds, and print a table of what each found. A progress "
            "bar goes to stderr, the table (or JSON) to stdout."
        ),
        epilog=f"models: {models}. strategies: {strategies}.",
    )
    _add_problem_options(parser)
    parser.add_argument(
        "--budget", type=int, default=60, help="model fits per run (default: %(default)s)"
    )
    parser.add_argument(
        "--seeds", type=int, default=5, help="number of seeds, 0..N-1 (default: %(default)s)"
    )
    parser.add_argument(
        "--strategies",
        help="comma-separated strategy names (default: all that apply to the model)",
    )
    parser.add_argument(
        "--max-samples", type=_positive_int, help="use a stratified subsample of this size"
    )
    parser.add_argument(
        "--jobs", type=_positive_int, default=1, help="parallel processes (default: 1)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.set_defaults(handler=_run_compare)


def _run_compare(args: argparse.Namespace) -> int:
    try:
        problem = problems.get(args.model, args.dataset, max_samples=args.max_samples)
        strategies = args.strategies.split(",") if args.strategies else None
        result = compare(
            problem,
            strategies,
            budget=args.budget,
            seeds=args.seeds,
            n_jobs=args.jobs,
            progress=not args.no_progress,
        )
    except ValueError as error:
        raise UsageError(str(error)) from error
    if args.json:
        print(result.to_json())
    else:
        seeds = f"seeds 0-{args.seeds - 1}" if args.seeds > 1 else "seed 0"
        print(f"{problem.name}: budget {args.budget} fits per run, {seeds}\n")
        print(result.to_markdown())
    return EXIT_OK


def _add_benchmark(subparsers: argparse._SubParsersAction) -> None:
    plan = benchmark_plan(benchmark.REPETITIONS, 2, Path(BENCHMARK_FILE))
    parser = subparsers.add_parser(
        "benchmark",
        help="run the strategy benchmark shown on the guide page and write its JSON",
        description=(
            "Run the full grid, a coarse grid, random search, successive halving and TPE "
            "on a 2-D SVC space and random search, halving and TPE on a 5-D gradient "
            "boosting space, each repetition on its own outer split; score every "
            "strategy's choice on the held-out part, print the tables and write the JSON "
            "the guide page plots. With --check or --spot-check, compare with the file "
            "instead."
        ),
        epilog=f"With the defaults, {plan}.",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=(
            f"JSON file to write (default: {BENCHMARK_FILE} in the current folder) or, with "
            "--check or --spot-check, to compare with (default: the results shipped with "
            "the package)"
        ),
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if the file differs from a fresh run (wall times aside)",
    )
    parser.add_argument(
        "--spot-check",
        action="store_true",
        help="like --check, but re-run only the first repetition of every run (about 30 s)",
    )
    parser.add_argument(
        "--repetitions",
        type=_positive_int,
        default=benchmark.REPETITIONS,
        help=(
            f"outer splits per dataset and strategy, at least 2 (default: {benchmark.REPETITIONS})"
        ),
    )
    parser.add_argument(
        "--jobs", type=_positive_int, default=2, help="parallel processes (default: 2)"
    )
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.set_defaults(handler=_run_benchmark)


def _run_benchmark(args: argparse.Namespace) -> int:
    if args.check or args.spot_check:
        args.out = args.out or benchmark.results_path()
        if args.spot_check:
            found = benchmark.spot_check(args.out, (0,), n_jobs=args.jobs)
        else:
            found = benchmark.benchmark_is_current(args.out, n_jobs=args.jobs)
        for difference in found:
            print(difference, file=sys.stderr)
        print(f"{args.out}: {'stale' if found else 'up to date'}")
        return EXIT_STALE if found else EXIT_OK
    if args.repetitions < 2:
        print("error: --repetitions must be at least 2 (an interval needs two)", file=sys.stderr)
        return EXIT_USAGE
    args.out = args.out or Path(BENCHMARK_FILE)
    print(benchmark_plan(args.repetitions, args.jobs, args.out), file=sys.stderr)
    data = benchmark.run_benchmark(
        repetitions=args.repetitions, n_jobs=args.jobs, progress=not args.no_progress
    )
    benchmark.write_benchmark(data, args.out)
    print(benchmark.format_benchmark(data))
    print(f"wrote {args.out}", file=sys.stderr)
    return EXIT_OK


def benchmark_plan(repetitions: int, jobs: int, out: Path) -> str:
    """The line that says where the benchmark writes and roughly how long it takes.

    The time is scaled from the run recorded in the shipped results (its wall time, its
    repetitions and processes), so it is a rough guide for a machine like that one.
    """
    shipped = benchmark.load_benchmark()
    recorded = shipped["wall_time"]
    seconds = (
        recorded["total_seconds"]
        * repetitions
        / shipped["metadata"]["repetitions"]
        * recorded["n_jobs"]
        / jobs
    )
    return (
        f"benchmark: {repetitions} repetitions on {jobs} process(es), roughly "
        f"{max(1, round(seconds / 60))} min (the shipped run took "
        f"{recorded['total_seconds'] / 60:.0f} min); it will write {out}"
    )


def _add_tune(subparsers: argparse._SubParsersAction) -> None:
    from tuninglab import tune

    parser = subparsers.add_parser(
        "tune",
        help="run or resume an Optuna study, with several workers sharing one database",
        description=(
            "Run an Optuna study of a model on a bundled dataset. The study is kept in a "
            "database (a SQLite file here by default, or PostgreSQL), so several workers, "
            "on this machine or others, share it, and running the same command again "
            "resumes it. --n-trials is the study's total, not 'N more'."
        ),
    )
    _add_problem_options(parser)
    parser.add_argument(
        "--storage",
        default=tune.DEFAULT_STORAGE,
        help="database URL: sqlite:///FILE.db or postgresql://USER:PASSWORD@HOST:PORT/DB "
        "(default: %(default)s)",
    )
    parser.add_argument("--study-name", default=None, help="default: MODEL-DATASET")
    parser.add_argument(
        "--n-trials", type=_positive_int, default=30, help="complete trials in all (default: 30)"
    )
    parser.add_argument(
        "--timeout", type=float, default=None, help="stop starting trials after SECONDS"
    )
    parser.add_argument(
        "--workers", type=_positive_int, default=1, help="worker processes (default: 1)"
    )
    parser.add_argument("--seed", type=int, default=0, help="base seed (default: 0)")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.set_defaults(handler=_run_tune)


def _run_tune(args: argparse.Namespace) -> int:
    from tuninglab import tune

    try:
        result = tune.tune(
            args.model,
            args.dataset,
            storage=args.storage,
            study_name=args.study_name,
            n_trials=args.n_trials,
            timeout=args.timeout,
            workers=args.workers,
            seed=args.seed,
            progress=not args.no_progress,
        )
    except tune.TuneError as error:
        raise UsageError(str(error)) from None
    except tune.TuneInterrupted as stop:
        print(f"tuninglab tune: {stop}", file=sys.stderr)
        return stop.exit_code
    if result.already_complete:
        print(
            f"study {result.study_name} already has {result.complete} complete trials "
            f"(--n-trials {args.n_trials}): nothing to run; raise --n-trials to run more"
        )
    else:
        print(f"study {result.study_name}: {result.complete} complete trials")
    if result.best_value is not None:
        params = ", ".join(
            f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
            for k, v in sorted(result.best_params.items())
        )
        print(f"best CV score {result.best_value:.4f} with {params}")
    return EXIT_OK


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _add_compare,
    _add_benchmark,
    _add_tune,
]
"""Functions that each add one subcommand."""


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every command of :data:`COMMANDS`."""
    parser = argparse.ArgumentParser(
        prog="tuninglab",
        description="Tuning Lab: runnable companions to the hyperparameter tuning guides.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(title="commands", dest="command", required=True)
    for add_command in COMMANDS:
        add_command(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: Arguments without the program name; default ``sys.argv[1:]``.

    Returns:
        The exit code: 0 on success, 1 for a stale benchmark check, 2 for bad input
        (with a message on stderr).
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        return args.handler(args)
    except UsageError as error:
        print(f"{parser.prog} {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE


def run() -> None:
    """Entry point of ``python -m tuninglab`` and the ``tuninglab`` script.

    Runs :func:`main` and exits with its code. Ctrl-C prints one line and exits with
    :data:`EXIT_INTERRUPTED`. When the reader of the output goes away
    (``python -m tuninglab compare ... | head``), it exits quietly with
    :data:`EXIT_BROKEN_PIPE` instead of printing a ``BrokenPipeError`` traceback.
    """
    try:
        code = main()
        sys.stdout.flush()
    except KeyboardInterrupt:  # Ctrl-C in any command: one line, not a traceback
        print("tuninglab: interrupted", file=sys.stderr)
        code = EXIT_INTERRUPTED
    except BrokenPipeError:
        # Python flushes stdout again at exit; point it at /dev/null so that stays quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = EXIT_BROKEN_PIPE
    sys.exit(code)
