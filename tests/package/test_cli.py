"""Tests of the command line: python -m tuninglab ..."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tuninglab import cli
from tuninglab.cli import build_parser, main
from tuninglab.search import benchmark

pytestmark = pytest.mark.depends_on("src/tuninglab")

SMALL = ["compare", "--dataset", "iris", "--model", "svc", "--budget", "20", "--seeds", "2"]


def test_help_lists_the_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "compare" in out and "benchmark" in out


def test_python_dash_m_works():
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "tuninglab", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "usage: tuninglab" in done.stdout


def test_a_command_is_required(capsys):
    assert main([]) == 2
    assert "required: command" in capsys.readouterr().err


def test_compare_prints_a_table_and_a_progress_bar(capsys):
    assert main([*SMALL, "--strategies", "grid,tpe"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == "svc-iris: budget 20 fits per run, seeds 0-1"
    assert lines[2].startswith("| strategy | runs | best CV score |")
    assert [line.split("|")[1].strip() for line in lines[4:]] == ["grid", "tpe"]
    assert "svc-iris" in captured.err and "3/3" in captured.err  # grid once, tpe per seed
    assert "svc-iris: 3 runs of at most 20 fits each, 60 fits at most" in captured.err
    assert "|   20 |" in captured.out, "a whole count of fits prints as 20, not 20.0"


def test_every_option_of_every_command_has_help_text():
    commands = build_parser()._subparsers._group_actions[0].choices
    missing = [
        f"{name} {action.option_strings[0]}"
        for name, command in commands.items()
        for action in command._actions
        if action.option_strings and action.help in (None, "")
    ]
    assert not missing, f"options without help text: {missing}"


def test_benchmark_writes_to_the_current_folder_and_says_so(capsys, tmp_path, monkeypatch):
    """Not into the installed package: a fresh run writes ./benchmark.json (the run itself
    is replaced by the shipped results, which is what it would recompute)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(benchmark, "run_benchmark", lambda **_: benchmark.load_benchmark())
    assert main(["benchmark", "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert (tmp_path / cli.BENCHMARK_FILE).is_file()
    assert "min (the shipped run took" in err and "it will write benchmark.json" in err


def test_compare_json_is_machine_readable(capsys):
    assert main([*SMALL, "--strategies", "random,halving", "--json", "--no-progress"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["budget"] == 20 and data["seeds"] == [0, 1]
    assert list(data["strategies"]) == ["halving", "random"]  # sorted keys
    assert data["strategies"]["random"]["mean_fits"] == 20.0
    assert data["problem"]["dataset"] == "iris"
    assert captured.err == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--budget", "0"], "budget must be a positive number of model fits, got 0"),
        (["--budget", "-3"], "budget must be a positive number"),
        (["--seeds", "0"], "seeds must be at least 1"),
        (["--strategies", "grid,bogus"], "unknown strategy 'bogus'; choose from: grid, random"),
        (["--model", "ridge"], "model 'ridge' is for regression but dataset 'iris'"),
        (["--strategies", "tpe_pruned"], "needs an iterative problem"),
    ],
)
def test_compare_bad_input_exits_2_with_a_message(capsys, args, message):
    assert main([*SMALL, *args, "--no-progress"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("tuninglab compare: error: ")
    assert message in captured.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dataset", "mnist"], "invalid choice: 'mnist'"),
        (["--model", "xgb"], "invalid choice: 'xgb'"),
        (["--budget", "ten"], "invalid int value: 'ten'"),
        (["--max-samples", "0"], "must be a positive integer"),
    ],
)
def test_compare_argument_errors_exit_2(capsys, args, message):
    assert main(["compare", *args]) == 2
    assert message in capsys.readouterr().err


def test_benchmark_check_reports_a_missing_file(capsys, tmp_path):
    missing = tmp_path / "benchmark.json"
    assert main(["benchmark", "--check", "--out", str(missing)]) == 1
    captured = capsys.readouterr()
    assert "stale" in captured.out
    assert "does not exist" in captured.err


def test_a_closed_pipe_ends_the_command_quietly():
    """`python -m tuninglab compare ... | head` must not end in a BrokenPipeError traceback."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the command writes anything
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "tuninglab", *SMALL, "--strategies", "random"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 141, done.stderr
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr
