"""A dbt process started with the run, so the dbt step does not wait for dbt to start.

Of a small month's dbt step, ~2.7 s is dbt starting: importing dbt (~1.4 s) and loading the
project's parsed manifest (~1.3 s, partial parsing). Both depend only on the project and the
environment, which are known when the run begins. So `start()` launches one `shopkpi-dbt serve`
process per run, on the other core while Dagster starts and the month loads; it imports dbt,
parses the project and waits on a Unix socket. The dbt step then runs dagster-dbt as always:
dagster-dbt starts `shopkpi-dbt` (the dbt executable it is given), which finds the server through
SHOPKPI_DBT_SERVER, hands it its arguments, environment, working directory and its stdin, stdout
and stderr (file descriptors passed over the socket), and exits with the build's exit code. The
server runs the build with dbt's programmatic runner on the manifest it parsed, writing to the
descriptors it was handed, so dagster-dbt reads the same JSON event lines from the same pipe.

Each server serves one build and exits; it exits too when the process that started it ends.
When the environment a parse depends on differs from the one it parsed with (the profile's and
the project's env vars, those the models read at parse time, the dbt directories), or the
arguments change the parse (--vars, --target, --profile, directories), the server parses again
as plain dbt would. Without a server, `shopkpi-dbt` runs dbt itself. DECISIONLOG "dbt started
with the run". DuckDB engine only: on Spark the build is minutes and the dbt process hosts Spark.
"""

from __future__ import annotations

import atexit
import gc
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..settings import DBT_PROJECT_DIR, MONTH_ENV, WAREHOUSE_ENV, dbt_executable

SERVER_ENV = "SHOPKPI_DBT_SERVER"  # the socket of the server this dbt invocation may use
ARGS_THAT_CHANGE_THE_PARSE = ("--vars", "--target", "-t", "--profile", "--project-dir", "--profiles-dir")
DIRECTORY_ENV = ("DBT_PROJECT_DIR", "DBT_PROFILES_DIR")
ACCEPT_POLL_SECONDS = 1.0
START_UP_NICENESS = 10

_servers: dict[tuple[str, str], "Server"] = {}
_lock = threading.Lock()


class Server:
    """The parent's handle on one server process: its socket and what it was started for."""

    def __init__(self, warehouse: str, month: str):
        self.directory = Path(tempfile.mkdtemp(prefix="shopkpi-dbt-"))
        self.socket = self.directory / "dbt.sock"
        # Bound here, so a client can connect (and wait) as soon as this returns.
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(self.socket))
        listener.listen(1)
        env = {**os.environ, WAREHOUSE_ENV: warehouse, MONTH_ENV: month, "PYTHONUNBUFFERED": "1"}
        with listener, (self.directory / "server.log").open("w") as log:
            self.process = subprocess.Popen(
                [dbt_executable(), "serve", str(listener.fileno()), str(os.getpid())], env=env,
                cwd=DBT_PROJECT_DIR, pass_fds=[listener.fileno()],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        for leftover in self.directory.iterdir():
            leftover.unlink(missing_ok=True)
        self.directory.rmdir()


def start(warehouse: str, month: str) -> None:
    """Start the server for this warehouse and month (returns at once). A process runs one month
    at a time, so a server left by a run that ended before its dbt step is stopped here."""
    from ..spark import engine

    if engine() != "duckdb" or Path(dbt_executable()).name != "shopkpi-dbt":
        return
    key = (str(Path(warehouse).resolve()), month)
    with _lock:
        if key in _servers and _servers[key].process.poll() is None:
            return
        left = [_servers.pop(other) for other in list(_servers)]
        _servers[key] = Server(*key)
    for server in left:
        server.stop()


@contextmanager
def serving(warehouse: str, month: str) -> Iterator[None]:
    """Around one dbt invocation: let it use the server started for this warehouse and month
    (if any), then stop that server; a server serves one build."""
    key = (str(Path(warehouse).resolve()), month)
    with _lock:
        server = _servers.pop(key, None)
    if server is None or server.process.poll() is not None:  # none started, or it died: dbt runs itself
        if server is not None:
            server.stop()
        yield
        return
    os.environ[SERVER_ENV] = str(server.socket)
    try:
        yield
    finally:
        os.environ.pop(SERVER_ENV, None)
        server.stop()


@atexit.register
def stop() -> None:
    """Stop the servers no build used (at a run's end, and at exit)."""
    with _lock:
        servers = list(_servers.values())
        _servers.clear()
    for server in servers:
        server.stop()


# --- the client: `shopkpi-dbt` under dagster-dbt ------------------------------------------------

def hand_over(argv: list[str]) -> int | None:
    """Have the server run this dbt command on our stdin/stdout/stderr; its exit code, or None
    when there is no server to hand it to (the caller then runs dbt itself)."""
    path = os.environ.get(SERVER_ENV)
    if not path:
        return None
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    request = json.dumps({"argv": argv, "env": dict(os.environ), "cwd": os.getcwd()}).encode()
    try:
        client.connect(path)
        socket.send_fds(client, [struct.pack("!Q", len(request)) + request], [0, 1, 2])
    except OSError:  # no server any more, or a standard descriptor is closed: run dbt here
        return None
    accepted = _read_exactly(client, 8)
    if not accepted:  # the server ended before taking the command: run dbt here
        return None
    server_pid = struct.unpack("!Q", accepted)[0]
    for sig in (signal.SIGINT, signal.SIGTERM):  # dagster-dbt stops a build by signalling dbt
        signal.signal(sig, lambda number, _frame: os.kill(server_pid, number))
    reply = _read_exactly(client, 8)
    return struct.unpack("!q", reply)[0] if reply else 2


def _read_exactly(con: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = con.recv(size - len(data))
        if not chunk:
            return b""
        data += chunk
    return data


# --- the server: `shopkpi-dbt serve <listening socket fd> <parent pid>` ----------------------------------------------------

def _env_names_in(path: Path) -> set[str]:
    return set(re.findall(r"env_var\(\s*['\"]([A-Za-z0-9_]+)['\"]", path.read_text(encoding="utf-8")))


def _parse_inputs(manifest) -> list[str]:
    """The environment variables the parsed project depends on."""
    names = _env_names_in(DBT_PROJECT_DIR / "profiles.yml") | _env_names_in(DBT_PROJECT_DIR / "dbt_project.yml")
    return sorted(names | set(manifest.env_vars) | set(DIRECTORY_ENV))


def serve(listener_fd: int, parent: int) -> int:
    """Parse the project, then run the one dbt command a client hands over on the listening
    socket `listener_fd`; exit without one when the process `parent` (that started us) is gone."""
    listener = socket.socket(fileno=listener_fd)
    # Start-up only uses CPU the run leaves idle (Dagster starting, the load, the raw checks): at
    # full priority it delayed them by as much as it saved. Priority is restored for the build
    # where the system allows it (raising it back needs CAP_SYS_NICE); otherwise the build stays
    # niced, which matters only when other work competes for the cores.
    priority = os.getpriority(os.PRIO_PROCESS, 0)
    os.setpriority(os.PRIO_PROCESS, 0, priority + START_UP_NICENESS)

    from dbt.cli.main import dbtRunner

    from .event_lines import skip_lines_no_handler_takes
    from .parse_state import SAVED_PARSE, ignore_warehouse_path_in_parse_state, seed_parse

    ignore_warehouse_path_in_parse_state()
    skip_lines_no_handler_takes()
    project = str(DBT_PROJECT_DIR)
    with tempfile.TemporaryDirectory(prefix="shopkpi-dbt-parse-") as target:
        seed_parse(Path(target), os.environ[WAREHOUSE_ENV])
        # --no-write-json: the parse's manifest.json (~0.2 s to write) would go with the temp dir
        parsed = dbtRunner().invoke(["parse", "--quiet", "--no-write-json", "--project-dir", project,
                                     "--profiles-dir", project, "--target-path", target, "--log-path", target])
        manifest = parsed.result if parsed.success else None
        inputs = _parse_inputs(manifest) if manifest is not None else []
        parsed_with = {name: os.environ.get(name) for name in inputs}
        parse_file = (Path(target) / SAVED_PARSE).read_bytes() if manifest is not None else None
    gc.freeze()  # the manifest lives until exit: keep it out of the collector's full walks

    listener.settimeout(ACCEPT_POLL_SECONDS)
    while True:
        try:
            con, _ = listener.accept()
            break
        except socket.timeout:
            if os.getppid() != parent:  # the run that started us is gone
                return 0
    con.settimeout(None)
    try:
        os.setpriority(os.PRIO_PROCESS, 0, priority)
    except PermissionError:
        pass
    header, fds, _, _ = socket.recv_fds(con, 8, 3)
    size = struct.unpack("!Q", header[:8])[0]
    request = json.loads(_read_exactly(con, size))
    con.sendall(struct.pack("!Q", os.getpid()))

    for fd, standard in zip(fds, (0, 1, 2)):
        os.dup2(fd, standard)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    args = request["argv"]
    reuse = (manifest is not None and not any(a.split("=")[0] in ARGS_THAT_CHANGE_THE_PARSE for a in args)
             and {name: os.environ.get(name) for name in inputs} == parsed_with)
    if reuse and (run_target := os.environ.get("DBT_TARGET_PATH")):
        # what plain dbt leaves in the run's target: the next run's partial parse starts from it
        Path(run_target).mkdir(parents=True, exist_ok=True)
        (Path(run_target) / SAVED_PARSE).write_bytes(parse_file)
    result = dbtRunner(manifest=manifest if reuse else None).invoke(args)
    code = 0 if result.success else (2 if result.exception is not None else 1)  # dbt's exit codes
    sys.stdout.flush()
    sys.stderr.flush()
    con.sendall(struct.pack("!q", code))
    con.close()
    return code

