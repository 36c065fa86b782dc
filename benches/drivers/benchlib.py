"""What the benchmark drivers (scripts/bench.py, bench_c.py, bench_cxx_fortran.py) share:
running a process with a timeout and its host CPU time, the round-robin loop over
configurations, medians, Markdown tables and the run's metadata. Python 3 standard library
only.

Every driver compares configurations (native Linux, Eremit with 1 or 2 CPUs, ...) that
must see the same host conditions: other work on the machine comes and goes, so running
all the runs of one configuration and then all of the next would measure the load as
much as the code. round_robin() runs one sample of every configuration per round instead.
"""

import datetime
import json
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "build", "bench")
EREMIT = os.path.join(ROOT, "build", "toolchain", "bin", "eremit")


class BenchError(Exception):
    pass


def make_progress(prefix):
    """A progress printer: `prefix: text` on stderr (stdout carries the report)."""
    def progress(text):
        print(f"{prefix}: {text}", file=sys.stderr, flush=True)
    return progress


def tail(text, lines=25):
    return "\n".join(text.rstrip().splitlines()[-lines:])


def rel(path):
    return os.path.relpath(path, ROOT) if isinstance(path, str) and path.startswith(ROOT) else path


def run_checked(what, cmd, cwd=ROOT, timeout=900, tail_lines=25):
    """Runs a build step; raises BenchError with the output's tail when it fails."""
    try:
        p = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=timeout)
    except FileNotFoundError:
        raise BenchError(f"{what}: command not found: {cmd[0]}")
    except subprocess.TimeoutExpired:
        raise BenchError(f"{what}: timed out after {timeout} s: {' '.join(cmd)}")
    if p.returncode != 0:
        raise BenchError(f"{what} failed (exit code {p.returncode}): {' '.join(cmd)}\n"
                         f"{tail(p.stdout + p.stderr, tail_lines)}")
    return p


class Run:
    """One finished process: code is None when it timed out (and was killed)."""

    def __init__(self, code, out, err, wall, cpu):
        self.code, self.out, self.err, self.wall, self.cpu = code, out, err, wall, cpu


def run_process(cmd, timeout, cpus=None, env=None):
    """Runs cmd in its own session, so that a timeout kills the whole group (an `eremit
    run` and its QEMU alike), pinned to the CPU set `cpus` when given. Returns a Run with
    the wall time and the host CPU time (user + system) of the process and its children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env, start_new_session=True,
                             preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None)
    except OSError as e:
        return Run(127, "", f"cannot run {cmd[0]}: {e}", 0.0, 0.0)
    try:
        out, err = p.communicate(timeout=timeout)
        code = p.returncode
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = p.communicate()
        code = None
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return Run(code, out.decode(errors="replace"), err.decode(errors="replace"), wall, cpu)


def describe_exit(code, timeout):
    if code is None:
        return f"timed out after {timeout} s"
    if code == 124:
        return "eremit run: guest timed out (exit code 124)"
    if code < 0:
        return f"killed by signal {-code}"
    if code > 128:
        return f"exit code {code} (128 + signal {code - 128}: a crash)"
    return f"exit code {code}"


def json_lines(out):
    """The JSON objects among a program's output lines (other lines are skipped)."""
    recs = []
    for line in out.splitlines():
        if line.startswith("{"):
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if isinstance(rec, dict):
                recs.append(rec)
    return recs


def round_robin(configs, runs, run_one, progress, warmup=0, label="run", on_error=None):
    """Runs `warmup` + `runs` rounds; each round calls run_one(name, config, number, tag)
    once per configuration, in order, and keeps what it returns: number counts the timed
    rounds from 1 (warm-up rounds have 0 or less, and their results are dropped), tag is
    the round's name in messages ("warm-up", "run 2/5"). When run_one raises BenchError,
    on_error(name, config, number, tag, error) is called (default: re-raise with the round
    and the configuration named); if it returns, the configuration is marked failed with
    the message it returns and skipped from then on.
    Returns ({name: [sample per round]}, {name: failure message})."""
    samples = {name: [] for name in configs}
    failed = {}
    for i in range(warmup + runs):
        tag = "warm-up" if i < warmup else f"{label} {i - warmup + 1}/{runs}"
        progress(f"{tag}: " + ", ".join(n for n in configs if n not in failed))
        for name, cfg in configs.items():
            if name in failed:
                continue
            try:
                sample = run_one(name, cfg, i - warmup + 1, tag)
            except BenchError as e:
                if on_error is None:
                    raise BenchError(f"{tag}, {name}: {e}")
                failed[name] = on_error(name, cfg, i - warmup + 1, tag, e) or f"{tag}: {e}"
                continue
            if i >= warmup:
                samples[name].append(sample)
    return samples, failed


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "samples": [round(v, 3) for v in values]}


def md_table(header, rows):
    """Markdown table lines: the header row, its rule and one line per row."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(r) + " |" for r in rows]


def fmt_ratio(e, n, higher_is_better=False):
    """Eremit / native, with who is faster and by how much."""
    r = e / n
    if abs(r - 1) < 0.005:
        return f"{r:.2f} (same)"
    eremit_faster = r > 1 if higher_is_better else r < 1
    k = r if r > 1 else 1 / r
    return f"{r:.2f} ({'Eremit' if eremit_faster else 'native'} {k:.1f}x faster)"


def verdict(ok):
    return "met" if ok else "NOT met"


def loadavg():
    return round(os.getloadavg()[0], 2)


def first_line(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True)
        return (p.stdout.splitlines() or ["unknown"])[0]
    except OSError:
        return "unknown"


def git_commit():
    try:
        p = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                           capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return p.stdout.strip() + (" (with uncommitted changes)" if dirty else "")
    except OSError:
        return "unknown"


def host_cpu():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def now_iso():
    return datetime.datetime.now().astimezone().isoformat(timespec="seconds")


def write_results(md_name, json_name, text, results):
    """The report to OUT/md_name and the raw results to OUT/json_name."""
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, md_name), "w") as f:
        f.write(text)
    with open(os.path.join(OUT, json_name), "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
