"""What the benchmark drivers (benches/drivers/*.py) share: running a process with a
timeout and its host CPU time, the round-robin loop over configurations, medians, Markdown
tables, the run's metadata and notes, the command-line options the drivers have in common,
and publishing the report. Python 3 standard library only.

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
import shutil
import signal
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "build", "bench")
EREMIT = os.path.join(ROOT, "build", "toolchain", "bin", "eremit")
HERMIT_CC = os.path.join(ROOT, "build", "toolchain", "bin", "x86_64-hermit-gcc")


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


def run_matching(cmd, timeout, *patterns):
    """Runs cmd (run_process); it must exit with 0 and its output match every pattern.
    Returns the Run and the matches; raises BenchError otherwise."""
    r = run_process(cmd, timeout=timeout)
    found = [p.search(r.out) for p in patterns]
    if r.code != 0 or not all(found):
        raise BenchError(f"{describe_exit(r.code, timeout)}: {r.out[-500:]} {r.err[-500:]}")
    return r, found


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


def summaries(samples, keys):
    """{configuration: {key: summary of that key over its samples}} for the configurations
    with samples."""
    return {name: {k: summary([s[k] for s in runs]) for k in keys}
            for name, runs in samples.items() if runs}


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


def one_line(msg):
    """An error message on one line, fit for a Markdown table or list."""
    return " / ".join(" ".join(l.split()) for l in msg.splitlines() if l.strip()).replace("|", "\\|")


def failure_note(what, cmd, msg):
    return f"FAILED: {what} (`{' '.join(rel(a) for a in cmd)}`): " + one_line(msg)


def load_note(meta, after=""):
    """The host's load before and after the runs (meta["loadavg"]), then `after`."""
    return (f"Host load average (1 min) before and after these runs: {meta['loadavg'][0]:g} and "
            f"{meta['loadavg'][1]:g} on {os.cpu_count()} CPUs{after}.")


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


def add_run_options(ap, runs, tcg_reference_help):
    """The options of the drivers comparing Eremit with native runs under TCG."""
    ap.add_argument("--runs", type=int, default=runs,
                    help=f"process runs per configuration, round-robin (default {runs})")
    ap.add_argument("--accel", choices=("tcg", "kvm"), default="tcg",
                    help="accelerator for Eremit (default tcg, as benches/drivers/bench.py)")
    ap.add_argument("--no-tcg-reference", action="store_true", help=tcg_reference_help)


def qemus(args):
    """(QEMU system emulator, qemu-x86_64 or None): the user-mode one, for the reference
    of native code translated by TCG, unless --no-tcg-reference."""
    qemu = os.environ.get("EREMIT_QEMU", "qemu-system-x86_64")
    return qemu, None if args.no_tcg_reference else shutil.which("qemu-x86_64")


def require_qemu(qemu):
    if shutil.which(qemu) is None:
        raise BenchError(f"missing {qemu} (scripts/ensure-deps.sh installs it)")


def run_meta(qemu, qemu_user, args, load, **extra):
    """The run's metadata: when, which commit, host, QEMU and gcc versions, options."""
    meta = {
        "date": now_iso(),
        "commit": git_commit(),
        "host_cpu": host_cpu(),
        "host_cpus": os.cpu_count(),
        "qemu": first_line([qemu, "--version"]),
        "qemu_user": first_line([qemu_user, "--version"]) if qemu_user else None,
        "gcc": first_line(["gcc", "--version"]),
        "accel": args.accel,
        "runs": args.runs,
    }
    meta.update(extra)
    meta["loadavg"] = load
    return meta


def short_meta(runs, **extra):
    """The metadata of a small driver's run: when, which commit, host, load, runs."""
    return {"date": now_iso(), "commit": git_commit(), "host_cpu": host_cpu(), "load": loadavg(),
            "runs": runs, **extra}


def publish_table(name, title, meta, how, header, rows, about, stats, samples, progress, started):
    """A small driver's report: a title, a line of short_meta's fields then `how`, one
    table and a paragraph `about` it; published as results-NAME.md and .json."""
    text = "\n".join([
        f"# {title}", "",
        f"{meta['date']}, commit {meta['commit']}, {meta['host_cpu']}, load {meta['load']}, "
        f"{meta['runs']} round-robin runs each; median (min-max). {how}", "",
        *md_table(header, rows), "", about, ""])
    publish(f"results-{name}.md", f"results-{name}.json", text,
            {"meta": meta, "stats": stats, "samples": samples}, progress, started)


def report_text(lines, notes):
    """The report: its lines, then the notes as a Markdown list."""
    return "\n".join(lines + ["", "Notes:"] + [f"- {n}" for n in notes]) + "\n"


def publish(md_name, json_name, text, results, progress, started):
    """Writes the report and the results (write_results), prints the report."""
    write_results(md_name, json_name, text, results)
    sys.stdout.write(text)
    progress(f"done in {time.monotonic() - started:.0f} s")


def main_exit(main, prefix):
    """sys.exit(main()), a BenchError reported as `prefix: message` and exit code 1."""
    try:
        sys.exit(main())
    except BenchError as e:
        print(f"{prefix}: {e}", file=sys.stderr)
        sys.exit(1)


def write_results(md_name, json_name, text, results):
    """The report to OUT/md_name and the raw results to OUT/json_name."""
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, md_name), "w") as f:
        f.write(text)
    with open(os.path.join(OUT, json_name), "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
