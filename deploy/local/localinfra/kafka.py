"""A single-node Apache Kafka broker in KRaft mode, run from jars resolved by Maven."""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from pathlib import Path

from zezhou5g.platform.paths import cache_dir

from localinfra.proc import InfraError, ManagedProcess, port_open, wait_until

POM = Path(__file__).resolve().parent.parent / "kafka" / "pom.xml"
KAFKA_VERSION = re.search(r"<kafka.version>([^<]+)</kafka.version>", POM.read_text()).group(1)  # type: ignore[union-attr]

_LOG4J2 = """\
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = {log}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = WARN
logger.apache.name = org.apache.kafka
logger.apache.level = WARN
logger.started.name = kafka.server.KafkaRaftServer
logger.started.level = INFO
"""


def java_major() -> int:
    """Major version of the ``java`` on PATH; raises when missing or older than 17."""
    hint = "install openjdk-17-jre (apt-get install -y openjdk-17-jre-headless)"
    java = shutil.which("java")
    if java is None:
        raise InfraError(f"Java 17+ not found: {hint}")
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False).stderr
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if match is None:
        raise InfraError(f"could not read the Java version from: {out.strip()!r}")
    major = int(match.group(1))
    if major == 1 and match.group(2):  # "1.8" style
        major = int(match.group(2))
    if major < 17:
        raise InfraError(f"Java 17+ not found (java {major} is on PATH): {hint}")
    return major


def kafka_libs() -> Path:
    """Folder with the broker's class path, resolved once from Maven Central and cached."""
    libs = cache_dir() / f"kafka-{KAFKA_VERSION}" / "libs"
    marker = libs / ".complete"
    if marker.exists():
        return libs
    mvn = shutil.which("mvn")
    if mvn is None:
        raise InfraError("Maven not found: install maven (apt-get install -y maven)")
    print(f"[localinfra] resolving Apache Kafka {KAFKA_VERSION} jars from Maven Central …",
          flush=True)
    tmp = libs.with_name("libs.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    cmd = [mvn, "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
           "-DincludeScope=runtime", f"-DoutputDirectory={tmp}"]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not any(tmp.glob("kafka_2.13-*.jar")):
        raise InfraError(f"mvn could not resolve Kafka jars:\n{result.stdout[-2000:]}"
                         f"{result.stderr[-2000:]}")
    shutil.rmtree(libs, ignore_errors=True)
    tmp.rename(libs)
    marker.write_text(KAFKA_VERSION)
    return libs


class KafkaServer:
    """One broker+controller node on 127.0.0.1.

    Args:
        run_dir: folder for this broker's data, config, log and pid file.
        port: client (PLAINTEXT) port.
        controller_port: KRaft controller port.
        heap: JVM heap size, e.g. ``"512m"``.
    """

    def __init__(self, run_dir: Path, port: int, controller_port: int, heap: str = "512m") -> None:
        self.dir = run_dir / "kafka"
        self.port = port
        self.controller_port = controller_port
        self.heap = heap
        self.proc = ManagedProcess("kafka", self.dir / "kafka.pid", self.dir / "server.log")

    @property
    def bootstrap(self) -> str:
        """The ``host:port`` clients bootstrap from."""
        return f"127.0.0.1:{self.port}"

    def _write_config(self) -> Path:
        self.dir.mkdir(parents=True, exist_ok=True)
        props = self.dir / "server.properties"
        props.write_text("\n".join([
            "process.roles=broker,controller",
            "node.id=1",
            f"controller.quorum.voters=1@127.0.0.1:{self.controller_port}",
            f"listeners=PLAINTEXT://127.0.0.1:{self.port},"
            f"CONTROLLER://127.0.0.1:{self.controller_port}",
            f"advertised.listeners=PLAINTEXT://127.0.0.1:{self.port}",
            "controller.listener.names=CONTROLLER",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            f"log.dirs={self.dir / 'data'}",
            "num.partitions=3",
            "offsets.topic.replication.factor=1",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "auto.create.topics.enable=true",
            "log.retention.hours=168",
            "",
        ]))
        (self.dir / "log4j2.properties").write_text(
            _LOG4J2.format(log=self.dir / "server.log"))
        return props

    def _format(self, libs: Path, props: Path) -> None:
        if (self.dir / "data" / "meta.properties").exists():
            return
        cluster_id = _cluster_id()
        log_config = f"-Dlog4j2.configurationFile={self.dir}/log4j2.properties"
        cmd = ["java", "-cp", f"{libs}/*", log_config, "kafka.tools.StorageTool", "format",
               f"--cluster-id={cluster_id}", "-c", str(props), "--ignore-formatted"]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise InfraError(f"formatting Kafka storage failed:\n{result.stdout}{result.stderr}")

    def start(self, timeout: float = 90.0) -> None:
        """Prepare jars and storage if needed, start the broker and wait until it serves."""
        if self.proc.running():
            self.wait_ready(timeout)
            return
        if port_open(self.port) or port_open(self.controller_port):
            raise InfraError(f"port {self.port} or {self.controller_port} is taken by another "
                             "process; stop it or choose other ports (Z5G_KAFKA_PORT)")
        java_major()
        libs = kafka_libs()
        props = self._write_config()
        self._format(libs, props)
        self.proc.spawn([
            "java", f"-Xmx{self.heap}", f"-Xms{self.heap}", "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={self.dir}/log4j2.properties",
            "-cp", f"{libs}/*", "kafka.Kafka", str(props),
        ], cwd=self.dir)
        self.wait_ready(timeout)

    def healthy(self) -> bool:
        """True when the broker answers a metadata request."""
        if not port_open(self.port):
            return False
        from kafka.admin import KafkaAdminClient
        from kafka.errors import KafkaError

        try:
            admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=3000)
        except (KafkaError, OSError, ValueError):
            return False
        try:
            admin.describe_cluster()
            return True
        except (KafkaError, OSError, ValueError):
            return False
        finally:
            admin.close()

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Block until the broker answers, or raise with its log tail."""
        wait_until(self.healthy, timeout, f"Kafka on port {self.port}", self.proc)

    def stop(self) -> bool:
        """Stop the broker (controlled shutdown on SIGTERM); True if it was running."""
        return self.proc.stop(timeout=30)


def _cluster_id() -> str:
    # KRaft cluster ids are 16 random bytes in URL-safe base64 without padding.
    import base64

    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
