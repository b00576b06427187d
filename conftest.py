"""Session fixtures shared by every test folder: real Kafka, Redis and PostgreSQL on free ports.

Nothing is mocked: the servers are the same ones ``make demo`` runs (deploy/local), started in a
temporary run folder so a running demo is never touched.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

# Import the real packages before collection: pytest's importlib mode would otherwise register a
# stand-in parent module "gateway" (from the folder name of gateway/tests) that shadows them.
import gateway.app  # noqa: F401
import pytest
import redis as redis_lib
import simulators.base  # noqa: F401
from localinfra import KafkaServer, PostgresServer, RedisServer
from localinfra.proc import free_port

ROOT = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def run_dir() -> Iterator[Path]:
    # World-readable so PostgreSQL (run as the postgres user when we are root) can enter it.
    path = Path(tempfile.mkdtemp(prefix="z5g-test-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def kafka(run_dir: Path) -> Iterator[KafkaServer]:
    server = KafkaServer(run_dir, free_port(), free_port(), heap="384m")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server(run_dir: Path) -> Iterator[RedisServer]:
    server = RedisServer(run_dir, free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres(run_dir: Path) -> Iterator[PostgresServer]:
    server = PostgresServer(run_dir, free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_client(redis_server: RedisServer) -> redis_lib.Redis:
    client = redis_lib.Redis.from_url(redis_server.url, decode_responses=True)
    client.flushdb()
    return client


@pytest.fixture(scope="session")
def base_env(kafka: KafkaServer, redis_server: RedisServer) -> dict[str, str]:
    """Environment of a service process talking to the test session's infrastructure."""
    return {"Z5G_ENV": "dev", "Z5G_KAFKA_BOOTSTRAP": kafka.bootstrap,
            "Z5G_REDIS_URL": redis_server.url, "Z5G_LOG_LEVEL": "INFO",
            "Z5G_SERVICE_PRINCIPAL_KEY": SERVICE_PRINCIPAL_KEY}


# The session's key for service principals: the gateway signs with it, services verify with it,
# and tests that call a service directly sign their own principal (``signed_channel``).
SERVICE_PRINCIPAL_KEY = "p" * 8 + os.urandom(16).hex()


def signed_channel(target: str, service: str, role: str = "admin", subject: str = "test",
                   scopes: dict[str, list[str]] | None = None) -> object:
    """A synchronous channel to ``target`` whose calls carry a principal for ``service``."""
    from zezhou5g.platform.principal import PrincipalSigner
    from zezhou5g.platform.principal import signed_channel as make

    return make(target, PrincipalSigner(SERVICE_PRINCIPAL_KEY), service, subject, role, scopes)


@pytest.fixture(scope="session")
def signed() -> Callable[..., object]:
    """``signed(target, service, role="admin", subject="test", scopes=None)``: a signed channel."""
    return signed_channel


class InProcessService:
    """Runs an async ``serve(settings, stop)`` in a thread with its own event loop."""

    def __init__(self, serve: Callable, settings: object) -> None:  # type: ignore[type-arg]
        self.serve = serve
        self.settings = settings
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stop_event: asyncio.Event | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._main, daemon=True)
        self.ready = threading.Event()

    def _main(self) -> None:
        async def run() -> None:
            self.loop = asyncio.get_running_loop()
            self.stop_event = asyncio.Event()
            self.ready.set()
            await self.serve(self.settings, self.stop_event)

        try:
            asyncio.run(run())
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            self.error = exc
            self.ready.set()

    def __enter__(self) -> InProcessService:
        self.thread.start()
        self.ready.wait(30)
        if self.error:
            raise self.error
        return self

    def __exit__(self, *exc: object) -> None:
        if self.loop and self.stop_event and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.stop_event.set)
        self.thread.join(30)
        if self.error is not None:  # the service ended by itself: say why
            raise RuntimeError(f"the in-process service failed: {self.error!r}") from self.error


@pytest.fixture(scope="session")
def in_process() -> type[InProcessService]:
    return InProcessService


# Where the caller keeps test material and built models: the processes a test starts look there
# too (every other Z5G_ setting of the caller's shell is dropped, so tests stay isolated).
PASS_THROUGH = ("Z5G_TESTDATA", "Z5G_CACHE_DIR", "Z5G_MODELS_DIR")


def passed_through() -> dict[str, str]:
    """The caller's ``PASS_THROUGH`` settings that are set."""
    return {k: os.environ[k] for k in PASS_THROUGH if k in os.environ}


class Proc:
    """A platform process (``python -m <module>``) run as a real subprocess for the test."""

    def __init__(self, module: str, env: dict[str, str], log_dir: Path,
                 args: tuple[str, ...] = ()) -> None:
        self.module = module
        self.log = log_dir / f"{module.replace('.', '_')}-{time.monotonic_ns()}.log"
        full_env = ({k: v for k, v in os.environ.items() if not k.startswith("Z5G_")}
                    | passed_through() | env)
        self.popen = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", module, *args], cwd=ROOT, env=full_env,
            stdout=open(self.log, "wb"), stderr=subprocess.STDOUT)

    def stop(self, timeout: float = 20) -> int:
        self.terminate()
        return self.wait_stopped(timeout)

    def terminate(self) -> None:
        """Ask the process to stop (SIGTERM); :meth:`wait_stopped` waits for it."""
        if self.popen.poll() is None:
            self.popen.terminate()

    def wait_stopped(self, timeout: float = 20) -> int:
        """Wait up to ``timeout`` for the process to end, then SIGKILL it; its exit status."""
        try:
            self.popen.wait(max(timeout, 0.1))
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(5)
        return int(self.popen.returncode)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def wait_for(check: Callable[[], object], timeout: float, what: str,
             procs: tuple[Proc, ...] = ()) -> object:
    """Poll ``check`` until it returns something truthy; fail with process logs on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = check()
        except Exception:  # noqa: BLE001 - not there yet
            value = None
        if value:
            return value
        for p in procs:
            if p.popen.poll() is not None:
                pytest.fail(f"{p.module} exited ({p.popen.returncode}) while waiting for "
                            f"{what}:\n{p.output()}")
        time.sleep(0.2)
    logs = "\n".join(f"--- {p.module}\n{p.output()}" for p in procs)
    pytest.fail(f"timed out after {timeout}s waiting for {what}\n{logs}")


@pytest.fixture
def wait() -> Callable[..., object]:
    return wait_for


def tail_consumer(bootstrap: str, *topics: str, timeout_ms: int = 300) -> object:
    """A consumer of every partition of ``topics`` from their end as it is now, with no group.

    Nothing to join, so nothing to wait for: a fresh group's first join can take longer than
    30 s on a loaded 2-core machine (CI saw it), while assigning is one metadata request.
    Missing topics are created the way the services create them."""
    from kafka import KafkaConsumer, TopicPartition
    from zezhou5g.platform.kafka import ensure_topics

    ensure_topics(bootstrap, topics)
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                             consumer_timeout_ms=timeout_ms)
    parts: list[TopicPartition] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        consumer.topics()      # refresh metadata
        found = {t: consumer.partitions_for_topic(t) or set() for t in topics}
        if all(found.values()):
            parts = [TopicPartition(t, p) for t in topics for p in sorted(found[t])]
            break
        time.sleep(0.2)
    assert parts, f"no partitions for {topics}"
    consumer.assign(parts)
    consumer.seek_to_end(*parts)
    for tp in parts:
        consumer.position(tp)  # resolve the end now, not at the first fetch
    return consumer


@pytest.fixture
def tail(kafka: KafkaServer) -> Iterator[Callable[..., object]]:
    """``tail(topic, ...)``: a :func:`tail_consumer` on the session broker, closed after."""
    made: list[object] = []

    def make(*topics: str, timeout_ms: int = 300) -> object:
        made.append(tail_consumer(kafka.bootstrap, *topics, timeout_ms=timeout_ms))
        return made[-1]

    yield make
    for consumer in made:
        consumer.close()  # type: ignore[attr-defined]


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., Proc]]:
    started: list[Proc] = []

    def start(module: str, env: dict[str, str], *args: str) -> Proc:
        proc = Proc(module, env, tmp_path, args)
        started.append(proc)
        return proc

    yield start
    for proc in reversed(started):
        proc.stop()


SERVICES = ("tourism", "medical", "agri", "transport")


# What every stack's services get unless a test module asks otherwise (``STACK_ENV``): the
# tourism cameras and person detector take half a core, so only modules about them run them.
# The transport face key must be shared by the stack's processes (templates are encrypted).
STACK_DEFAULTS = {"Z5G_VISION_ENABLED": "false",
                  "Z5G_TRANSPORT_FACE_KEY": "k" * 8 + os.urandom(16).hex()}


def stack_plan(base_env: dict[str, str], tmp: Path, redis_url: str,
               service_env: dict[str, str] | None = None,
               ) -> tuple[dict[str, dict[str, str]], dict[str, object]]:
    """The stack's programs (module name -> its environment) and what a test needs to know of
    it (url, ports, password...), before anything is started."""
    ports = {s: free_port() for s in SERVICES}
    metrics = {s: free_port() for s in SERVICES}
    extra = STACK_DEFAULTS | (service_env or {})
    programs = {s: base_env | extra | {"Z5G_GRPC_PORT": str(ports[s]),
                                      "Z5G_METRICS_PORT": str(metrics[s]),
                                      "Z5G_DATABASE_URL": f"sqlite:///{tmp}/{s}.db"}
                for s in SERVICES}
    http = free_port()
    secrets = {"Z5G_SESSION_SECRET": "t" * 8 + os.urandom(16).hex(),
               "Z5G_DEVICE_TOKENS": "env-jueshan-gate=tok-env-jueshan-0001,"
                                    "wear-1001=tok-wear-1001-0001",
               "Z5G_DEMO_PASSWORD": "test-pass-" + os.urandom(3).hex()}
    gw_env = base_env | secrets | {
        "Z5G_HTTP_PORT": str(http), "Z5G_DATABASE_URL": f"sqlite:///{tmp}/gateway.db",
        "Z5G_PUBLIC_RATE_PER_MIN": "10000",
        **{f"Z5G_{s.upper()}_GRPC": f"127.0.0.1:{ports[s]}" for s in SERVICES}}
    programs["gateway"] = gw_env
    stack = {"url": f"http://127.0.0.1:{http}", "env": gw_env, "procs": [], "ports": ports,
             "tmp": tmp, "metrics_ports": metrics, "password": secrets["Z5G_DEMO_PASSWORD"],
             "redis_url": redis_url}
    return programs, stack


def wait_ready(stack: dict[str, object], procs: tuple[Proc, ...] = ()) -> None:
    """Wait until the stack's gateway answers /readyz 200 (stop the stack and fail after)."""
    import httpx

    url = stack["url"]
    try:
        wait_for(lambda: httpx.get(f"{url}/readyz", timeout=3).status_code == 200, 150,
                 "gateway /readyz 200", procs)
    except BaseException:
        stop_stack(stack)
        raise


def start_stack(base_env: dict[str, str], tmp: Path, redis_url: str,
                service_env: dict[str, str] | None = None) -> dict[str, object]:
    """Start the four services and the gateway as subprocesses; wait until /readyz is 200."""
    programs, stack = stack_plan(base_env, tmp, redis_url, service_env)
    stack["procs"] = procs = [Proc(name, env, tmp) for name, env in programs.items()]
    wait_ready(stack, tuple(procs))
    return stack


def stop_stack(stack: dict[str, object]) -> None:
    """Stop what :func:`start_stack` started."""
    # All at once: each drains on its own, so the stack stops in the slowest one's time.
    procs = list(reversed(stack["procs"]))  # type: ignore[call-overload]
    for proc in procs:
        proc.terminate()
    deadline = time.monotonic() + 20
    for proc in procs:
        proc.wait_stopped(deadline - time.monotonic())
    if "supervisor" in stack:
        stack["supervisor"].stop()  # type: ignore[attr-defined]


# Stack start-up is the suite's largest fixed cost, so test modules share stacks: every module
# whose tests use ``stack`` gets the one started for its ``STACK_ENV``, collection puts those
# modules next to each other (after the rest, see ``pytest_collection_modifyitems``) and the stack
# is stopped as soon as the run moves past them, before any other module's processes consume the
# same topics. A module that stops, breaks or floods its stack's processes sets
# ``STACK_PRIVATE = True`` and gets a stack of its own, as does a module overriding ``base_env``.
_SHARED: dict[str, object] = {"key": None, "stack": None}
# Module -> the shared stack its tests use (filled at collection).
_STACK_MODULES: dict[object, tuple[tuple[str, str], ...]] = {}


def _stack_key(module: object) -> tuple[tuple[str, str], ...] | None:
    """Which shared stack a module's ``stack`` is (None: a private one)."""
    # A module that overrides ``base_env`` configures its stack's gateway: not shareable.
    if getattr(module, "STACK_PRIVATE", False) or hasattr(module, "base_env"):
        return None
    return tuple(sorted((getattr(module, "STACK_ENV", None) or {}).items()))


def _shares_stack(item: pytest.Item | None) -> tuple[tuple[str, str], ...] | None:
    """The shared stack of ``item``'s module, if a test of that module uses ``stack``."""
    module = getattr(item, "module", None)
    return _STACK_MODULES.get(module) if module is not None else None


def _stop_shared_stack() -> None:
    if _SHARED["stack"] is not None:
        stop_stack(_SHARED["stack"])  # type: ignore[arg-type]
    _SHARED.update(key=None, stack=None)


@pytest.fixture(scope="module")
def stack(request: pytest.FixtureRequest, base_env: dict[str, str],
          tmp_path_factory: pytest.TempPathFactory,
          redis_server: RedisServer) -> Iterator[dict[str, object]]:
    """The four services and the gateway as subprocesses (see the note above on sharing).

    A module may set ``STACK_ENV`` (a dict) to give the services more environment, e.g.
    ``{"Z5G_VISION_ENABLED": "true"}`` to run the tourism cameras, and ``STACK_PRIVATE = True``
    for a stack of its own, started for it and stopped after it.
    """
    key = _stack_key(request.module)
    if key is not None and _SHARED["key"] == key:
        yield _SHARED["stack"]  # type: ignore[misc]
        return
    _stop_shared_stack()
    redis_lib.Redis.from_url(redis_server.url).flushdb()
    started = start_stack(base_env, tmp_path_factory.mktemp("stack"), redis_server.url,
                          dict(key) if key is not None else
                          getattr(request.module, "STACK_ENV", None))
    if key is None:
        yield started
        stop_stack(started)
        return
    _SHARED.update(key=key, stack=started)
    yield started


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Stop the shared stack once the next test does not use it.

    Before the test's fixtures are torn down: after the last test those include the session's
    broker and Redis, and services that lose them while stopping take many seconds to give up.
    """
    if _SHARED["stack"] is not None and _shares_stack(nextitem) != _SHARED["key"]:
        _stop_shared_stack()
    yield


def clear_login_limits(stack: dict[str, object]) -> None:
    """Forget the stack's sign-in rate-limit counters (tests sign in more than 10 times/min)."""
    with redis_lib.Redis.from_url(str(stack["redis_url"])) as client:
        keys = list(client.scan_iter("ratelimit:login:*"))
        if keys:
            client.delete(*keys)


def sign_in_as(stack: dict[str, object], user: str) -> object:
    """An ``httpx.Client`` on the stack's gateway, signed in as the demo ``user``."""
    import httpx

    clear_login_limits(stack)
    client = httpx.Client(base_url=str(stack["url"]), timeout=10)
    r = client.post("/api/auth/login", json={"username": user, "password": stack["password"]})
    assert r.status_code == 200, r.text
    return client


def run_locust(stack: dict[str, object], locustfile: str, tmp: Path, users: int, seconds: int,
               env: dict[str, str] | None = None, args: tuple[str, ...] = (),
               timeout: float = 120) -> dict[str, list[str]]:
    """Run ``loadtests/<locustfile>`` headless against the stack; fail on any failed request.

    Returns the stats rows by name (``"Aggregated"`` for the total).
    """
    clear_login_limits(stack)
    full_env = {"PATH": "/usr/bin:/bin", "Z5G_DEMO_PASSWORD": str(stack["password"]),
                "Z5G_DEVICE_TOKENS": stack["env"]["Z5G_DEVICE_TOKENS"],  # type: ignore[index]
                **passed_through()} | (env or {})
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "locust", "-f", str(ROOT / "loadtests" / locustfile),
         "--host", str(stack["url"]), "--headless", "-u", str(users), "-r", str(users),
         "-t", f"{seconds}s", *args, "--only-summary", "--csv", str(tmp / "run"),
         "--exit-code-on-error", "1"],
        capture_output=True, text=True, timeout=timeout, env=full_env, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    rows = [line.split(",") for line in (tmp / "run_stats.csv").read_text().splitlines()]
    by_name = {r[1]: r for r in rows[1:]}
    assert int(by_name["Aggregated"][3]) == 0, rows
    return by_name


# Headless Chromium (Debian's package), driven by Playwright, for every test that opens pages.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--disable-quic",
                 # Chromium's built-in fake camera (a moving test pattern, no face) for the gate
                 # kiosk and the enrolment page, granted without a prompt.
                 "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium browser (Playwright's ``Browser``), closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def launch_chromium() -> Callable[[], object]:
    """``with launch_chromium() as browser:`` a headless Chromium for the test."""
    return chromium


@pytest.fixture(scope="session")
def stack_client() -> SimpleNamespace:
    """``run_locust(...)`` and ``clear_login_limits(stack)`` against a stack."""
    return SimpleNamespace(run_locust=run_locust, clear_login_limits=clear_login_limits)


@pytest.fixture(scope="session")
def sign_in() -> Callable[[dict[str, object], str], object]:
    """``sign_in(stack, user)``: an httpx client signed in as a demo user."""
    return sign_in_as


@pytest.fixture
def stack_tools() -> SimpleNamespace:
    """start_stack / stop_stack / Proc / wait_for for tests that manage their own stack."""
    return SimpleNamespace(start_stack=start_stack, stop_stack=stop_stack, Proc=Proc,
                           wait_for=wait_for, stack_plan=stack_plan, wait_ready=wait_ready)


# Test kinds, derived from what a test uses so a marker cannot be forgotten: `deploy` (manifest
# validation, tests/deploy), `e2e` (the browser, tests/e2e), `integration` (anything that starts a
# server or a process: Kafka, Redis, PostgreSQL, a service, the stack), `unit` (the rest: pure
# code and real models on real pixels). `make test-fast` runs `-m unit`.
_SERVER_FIXTURES = frozenset({"run_dir", "kafka", "redis_server", "postgres", "base_env",
                              "in_process", "spawn", "stack", "stack_tools"})


def _kind(item: pytest.Item) -> str:
    parts = Path(str(item.path)).relative_to(ROOT).parts
    if parts[:2] == ("tests", "deploy"):
        return "deploy"
    if parts[:2] == ("tests", "e2e") or item.get_closest_marker("e2e"):
        return "e2e"
    if item.get_closest_marker("integration") or _SERVER_FIXTURES.intersection(
            getattr(item, "fixturenames", ())):
        return "integration"
    return "unit"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test with its kind (see ``_kind``); put the modules sharing a stack together.

    Whole modules move (their other fixtures stay module-scoped), after every other test, grouped
    by the stack they share; within a group the modules that open pages in Chromium come last,
    so a stack that warms up (the first density maps of its cameras) does it while API tests
    run; in collection order otherwise.
    """
    groups = _STACK_MODULES
    for item in items:
        module = getattr(item, "module", None)
        if "stack" in getattr(item, "fixturenames", ()) and module is not None:
            key = _stack_key(module)
            if key is not None:
                groups.setdefault(module, key)
    order = {key: i for i, key in enumerate(dict.fromkeys(groups.values()))}
    in_browser = {getattr(item, "module", None) for item in items
                  if "browser" in getattr(item, "fixturenames", ())}
    rank = {id(item): (0, 0, False) if (module := getattr(item, "module", None)) not in groups
            else (1, order[groups[module]], module in in_browser) for item in items}
    items.sort(key=lambda item: rank[id(item)])
    for item in items:
        kind = _kind(item)
        if not item.get_closest_marker(kind):
            item.add_marker(getattr(pytest.mark, kind))
