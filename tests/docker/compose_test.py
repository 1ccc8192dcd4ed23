#!/usr/bin/env python3
"""The Docker stack without a Docker engine (issue 21, point 6).

Checks docker/compose.yml and docker/Dockerfile as written:
  * every env()/secret()/secret_file() a Sluice service's pipeline reads is provided by that
    service's environment/secrets, and every service a pipeline connects to is a compose
    service it depends on, with matching credentials and database names;
  * paths agree: every bind-mounted file exists; ports agree: every published port is on
    127.0.0.1, each Sluice service publishes its --metrics port, its --api is on loopback,
    its healthcheck (compose and Dockerfile) asks `sluice status` at that --api address and it
    has SLUICE_API_TOKEN;
  * MariaDB 10.11 with binlog flags this MariaDB accepts, a valid KRaft CLUSTER_ID;
  * the Dockerfile's runtime stage has no graphviz/curl, installs libjemalloc2 and the package
    of every shared library the locally built sluice links; the build stage links jemalloc;
  * the init SQL mounted into the MariaDB container loads, in the container's order, into a
    real private MariaDB 10.11 (scripts/local_servers.sh), with the user the image creates and
    the grants file; then `sluice run` of the compose's ODS pipeline, with that service's
    environment, copies the sample data into a private PostgreSQL (when SLUICE is given).

usage: compose_test.py SOURCE_DIR [SLUICE_BINARY]
"""
import base64
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

import yaml

SRC = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
SLUICE = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else ""
DOCKER = os.path.join(SRC, "docker")
COMPOSE = os.path.join(DOCKER, "compose.yml")
DOCKERFILE = os.path.join(DOCKER, "Dockerfile")

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what, flush=True)
    return cond


# ---- compose, interpolated with its own defaults (not this machine's environment) ----------
VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}")


def interpolate(v, where):
    if isinstance(v, str):
        def sub(m):
            if m.group(2) is None:
                check(False, f"{where}: ${{{m.group(1)}}} has no default: unset, it is empty")
                return ""
            return m.group(2)
        return VAR.sub(sub, v.replace("$$", "\0")).replace("\0", "$")
    if isinstance(v, list):
        return [interpolate(x, where) for x in v]
    if isinstance(v, dict):
        return {k: interpolate(x, f"{where}.{k}") for k, x in v.items()}
    return v


with open(COMPOSE) as f:
    compose = interpolate(yaml.safe_load(f), "compose")
services = compose["services"]


def env_of(svc):
    e = services[svc].get("environment") or {}
    if isinstance(e, list):
        e = dict(x.split("=", 1) if "=" in x else (x, None) for x in e)
    return {k: (None if v is None else str(v)) for k, v in e.items()}


def bind_mounts(svc):
    """(host path, container path) of every bind mount (named volumes left out)."""
    out = []
    for v in services[svc].get("volumes") or []:
        if isinstance(v, dict):
            if v.get("type") == "bind":
                out.append((os.path.normpath(os.path.join(DOCKER, v["source"])), v["target"]))
            continue
        parts = v.split(":")
        if parts[0].startswith((".", "/")):
            out.append((os.path.normpath(os.path.join(DOCKER, parts[0])), parts[1]))
    return out


def flag(cmd, name):
    return cmd[cmd.index(name) + 1] if name in cmd and cmd.index(name) + 1 < len(cmd) else None


def published(svc):
    """(host ip, host port, container port) of every published port."""
    out = []
    for p in services[svc].get("ports") or []:
        if isinstance(p, dict):
            out.append((p.get("host_ip", ""), str(p.get("published")), str(p["target"])))
            continue
        parts = str(p).split("/")[0].split(":")
        if len(parts) == 3:
            out.append((parts[0], parts[1], parts[2]))
        elif len(parts) == 2:
            out.append(("", parts[0], parts[1]))
        else:
            out.append(("", "", parts[0]))
    return out


# ---- every file mounted exists; every published port is on 127.0.0.1 ---------------------
for name in services:
    for host, target in bind_mounts(name):
        check(os.path.isfile(host) or os.path.isdir(host),
              f"{name}: mounted {host} -> {target} does not exist")
    for ip, hport, cport in published(name):
        check(ip == "127.0.0.1", f"{name}: port {hport}:{cport} is published on "
              f"{ip or 'every interface'}, not 127.0.0.1")

# ---- MariaDB -----------------------------------------------------------------------------
db_services = [n for n, s in services.items() if str(s.get("image", "")).startswith("mariadb:")]
check(len(db_services) == 1, "one MariaDB service (image mariadb:...)")
DB = db_services[0] if db_services else None
db_env = env_of(DB) if DB else {}
if DB:
    check(services[DB]["image"] == "mariadb:10.11", f"{DB}: image mariadb:10.11")
    for v in ("MARIADB_ROOT_PASSWORD", "MARIADB_USER", "MARIADB_PASSWORD", "MARIADB_DATABASE"):
        check(db_env.get(v), f"{DB}: {v} set")
    cmd = services[DB].get("command") or []
    cmd = cmd.split() if isinstance(cmd, str) else [str(c) for c in cmd]
    for want in ("--log-bin", "--binlog-format=ROW", "--binlog-row-image=FULL", "--server-id"):
        check(any(c == want or c.startswith(want + "=") for c in cmd), f"{DB}: command has {want}")
    # This machine's MariaDB 10.11 accepts every flag (a MySQL-only one fails here).
    mariadbd = shutil.which("mariadbd") or "/usr/sbin/mariadbd"
    r = subprocess.run([mariadbd, "--no-defaults"] + cmd + ["--help", "--verbose"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    errors = [ln for ln in r.stderr.splitlines() if "[ERROR]" in ln] or [r.stderr[-300:]]
    check(r.returncode == 0, f"{DB}: mariadbd rejects the command flags: " + "; ".join(errors))

# ---- Kafka: a KRaft cluster id is 16 bytes in 22 characters of base64url ---------------------
for name in services:
    cid = env_of(name).get("CLUSTER_ID")
    if cid is None:
        continue
    ok = re.fullmatch(r"[A-Za-z0-9_-]{22}", cid) is not None
    if ok:
        ok = len(base64.urlsafe_b64decode(cid + "==")) == 16
    check(ok, f"{name}: CLUSTER_ID {cid!r} is not a KRaft cluster id (22 base64url characters)")

# ---- the Dockerfile -----------------------------------------------------------------------
with open(DOCKERFILE) as f:
    dockerfile = f.read().replace("\\\n", " ")
stages = re.split(r"(?m)^FROM\s+", dockerfile)[1:]
check(len(stages) >= 2, "Dockerfile: a build stage and a runtime stage")
build_stage, runtime = stages[0], stages[-1]


def apt_packages(stage):
    pk = []
    for m in re.finditer(r"apt-get install\s+([^&|;]*)", stage):
        pk += [w for w in m.group(1).split() if not w.startswith("-")]
    return set(pk)


runtime_pkgs = apt_packages(runtime)
for bad in ("graphviz", "curl", "wget"):
    check(bad not in runtime_pkgs, f"Dockerfile: the runtime stage installs {bad}")
check("libjemalloc2" in runtime_pkgs, "Dockerfile: the runtime stage installs libjemalloc2")
check("libjemalloc-dev" in apt_packages(build_stage),
      "Dockerfile: the build stage installs libjemalloc-dev")
check(re.search(r"ldd\s+\S*sluice\s*\|\s*grep -q libjemalloc", build_stage),
      "Dockerfile: the build stage checks that sluice links jemalloc")
hc = re.search(r"(?m)^HEALTHCHECK\s.*$", runtime)
check(hc is not None, "Dockerfile: a HEALTHCHECK in the runtime stage")
image_health_endpoint = None
if hc:
    line = hc.group(0)
    check("curl" not in line, "Dockerfile: the HEALTHCHECK does not use curl")
    m = re.search(r'sluice"?,?\s*"?status"?,?\s*"?--endpoint"?,?\s*"?([^" \]]+)', line)
    check(m is not None, "Dockerfile: the HEALTHCHECK runs `sluice status --endpoint ADDR`")
    image_health_endpoint = m.group(1) if m else None

# Every shared library the sluice built here links comes from a runtime package (or one they
# pull in, or the base image's required set).
if SLUICE and os.path.exists(SLUICE):
    ldd = subprocess.run(["ldd", SLUICE], capture_output=True, text=True).stdout
    check("libjemalloc" in ldd, f"{SLUICE} is not linked with jemalloc")

    libs = re.findall(r"(?m)^\s*(\S+) => (/\S+)", ldd)

    def variants(path):  # Debian 12 is merged-/usr: dpkg knows either spelling
        out = set()
        for p in (path, os.path.realpath(path)):
            out |= {p, p.replace("/usr/lib/", "/lib/", 1), p.replace("/lib/", "/usr/lib/", 1)}
        return out

    owner = {}  # one dpkg -S for every path
    r = subprocess.run(["dpkg", "-S"] + sorted(set().union(*(variants(p) for _, p in libs))),
                       capture_output=True, text=True)
    for line in r.stdout.splitlines():
        pkgs, _, path = line.partition(": ")
        owner[path.strip()] = pkgs.split(",")[0].split(":")[0].strip()

    def pkg_of(path):
        return next((owner[v] for v in sorted(variants(path)) if v in owner), None)

    def depends(pkg):
        r = subprocess.run(["dpkg-query", "-W", "-f=${Depends},${Pre-Depends}", pkg],
                           capture_output=True, text=True)
        out = set()
        for alt in r.stdout.split(","):
            for a in alt.split("|"):  # either alternative may be the one installed
                n = a.strip().split(" ")[0].split(":")[0]
                if n:
                    out.add(n)
        return out

    closure, todo = set(), list(runtime_pkgs)
    while todo:
        p = todo.pop()
        if p not in closure:
            closure.add(p)
            todo += list(depends(p))
    required = set(subprocess.run(["dpkg-query", "-W", "-f=${Package} ${Priority}\\n"],
                                  capture_output=True, text=True).stdout.split("\n"))
    for soname, path in libs:
        pkg = pkg_of(path)
        if pkg is None:
            continue
        check(pkg in closure or f"{pkg} required" in required,
              f"Dockerfile: {soname} (package {pkg}) is not in the runtime stage")

# ---- every Sluice service -------------------------------------------------------------------
CALL = re.compile(r"\b(env|secret|secret_file)\s*\(\s*(\"(?:[^\"\\]|\\.)*\")?")


def strip_comments(text):
    out = []
    for line in text.splitlines():
        in_str, cut = False, len(line)
        for i, ch in enumerate(line):
            if ch == '"' and (i == 0 or line[i - 1] != "\\"):
                in_str = not in_str
            elif ch == "#" and not in_str:
                cut = i
                break
        out.append(line[:cut])
    return "\n".join(out)


def reads(pipe):
    """(function, argument) of every env/secret/secret_file call in a .pipe file."""
    with open(pipe) as f:
        text = strip_comments(f.read())
    out = []
    for m in CALL.finditer(text):
        check(m.group(2) is not None, f"{pipe}: {m.group(1)}() with a non-literal argument")
        if m.group(2):
            out.append((m.group(1), m.group(2)[1:-1]))
    return out


def secret_files(svc):
    paths = {t for _, t in bind_mounts(svc)}
    for s in services[svc].get("secrets") or []:
        if isinstance(s, str):
            paths.add("/run/secrets/" + s)
        else:
            paths.add(s.get("target") if str(s.get("target", "")).startswith("/")
                      else "/run/secrets/" + (s.get("target") or s["source"]))
    return paths


def host_of(value):
    """service host a connection value names (a bare host, host:port list, or a URL)."""
    if "://" in value:
        u = urllib.parse.urlsplit(value)
        return [(u.hostname, u.port, u)]
    out = []
    for hp in value.split(","):
        h, _, p = hp.strip().partition(":")
        out.append((h, int(p) if p else None, None))
    return out


sluice_services = []
for name, s in services.items():
    cmd = s.get("command") or []
    cmd = cmd.split() if isinstance(cmd, str) else [str(c) for c in cmd]
    if "build" not in s and not str(s.get("image", "")).startswith("sluice"):
        continue
    sluice_services.append(name)
    check(cmd[:1] == ["run"], f"{name}: command is `run PIPELINE ...`")
    if len(cmd) < 2:
        continue
    env = env_of(name)
    mounts = {t: h for h, t in bind_mounts(name)}
    pipe = mounts.get(cmd[1])
    if not check(pipe is not None, f"{name}: {cmd[1]} is not mounted from the repository"):
        continue
    # What the pipeline reads is provided, with a value (a default in the file would point
    # at 127.0.0.1, not at the compose service).
    for fn, arg in reads(pipe):
        if fn == "secret_file":
            check(arg in secret_files(name), f"{name}: {os.path.basename(pipe)} reads "
                  f"secret_file(\"{arg}\"), which no secret or volume provides")
        else:
            check(env.get(arg), f"{name}: {os.path.basename(pipe)} reads {fn}(\"{arg}\"), "
                  "which its environment does not set")
    # Ports: metrics published, API on loopback, healthchecks at the API with a token.
    metrics, api = flag(cmd, "--metrics"), flag(cmd, "--api")
    check(metrics is not None, f"{name}: --metrics ADDR")
    check(api is not None, f"{name}: --api ADDR")
    if metrics:
        mport = metrics.rsplit(":", 1)[-1]
        check(any(c == mport for _, _, c in published(name)),
              f"{name}: the metrics port {mport} is not published")
    if api:
        ahost = api.rpartition(":")[0]
        check(ahost in ("127.0.0.1", "", "localhost"), f"{name}: --api {api} is not loopback")
        check(env.get("SLUICE_API_TOKEN"), f"{name}: SLUICE_API_TOKEN is not set")
        hc = (s.get("healthcheck") or {}).get("test")
        if hc is not None:
            hc = hc if isinstance(hc, list) else ["CMD-SHELL", hc]
            check(flag(hc, "--endpoint") == api and "status" in hc,
                  f"{name}: healthcheck {hc} does not run `sluice status --endpoint {api}`")
        check(image_health_endpoint == api,
              f"{name}: the Dockerfile HEALTHCHECK asks {image_health_endpoint}, --api is {api}")
    # Connections: the hosts are compose services this one depends on, with their credentials.
    deps = s.get("depends_on") or {}
    deps = set(deps if isinstance(deps, (list, dict)) else [])
    for var, value in env.items():
        if value is None or not (var.endswith(("_HOST", "_URL", "_URI", "_BROKERS"))):
            continue
        for host, port, url in host_of(value):
            check(host in services, f"{name}: {var} names {host}, not a compose service")
            check(host in deps, f"{name}: {var} names {host}, not in its depends_on")
            if host == DB and var.endswith("_HOST"):
                prefix = var[: -len("_HOST")]
                check(env.get(prefix + "_USER") == db_env.get("MARIADB_USER"),
                      f"{name}: {prefix}_USER is not {DB}'s MARIADB_USER")
                check(env.get(prefix + "_PASSWORD") == db_env.get("MARIADB_PASSWORD"),
                      f"{name}: {prefix}_PASSWORD is not {DB}'s MARIADB_PASSWORD")
            if url is not None and url.scheme.startswith("postgres"):
                penv = env_of(host)
                check(url.username == penv.get("POSTGRES_USER") and
                      urllib.parse.unquote(url.password or "") == penv.get("POSTGRES_PASSWORD"),
                      f"{name}: {var} credentials are not {host}'s POSTGRES_USER/PASSWORD")
                check(url.path.lstrip("/") == penv.get("POSTGRES_DB"),
                      f"{name}: {var} database is not {host}'s POSTGRES_DB")
check(sluice_services, "at least one Sluice service")

# `docker-compose config` (v1) agrees that the file is valid.
if shutil.which("docker-compose"):
    r = subprocess.run(["docker-compose", "-f", COMPOSE, "config", "-q"],
                       capture_output=True, text=True)
    check(r.returncode == 0, "docker-compose config: " + r.stderr[-500:])


# ---- the init SQL in a real MariaDB 10.11, then the ODS pipeline with compose's environment -
def sh(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def load_and_run():
    servers = sh(["bash", os.path.join(SRC, "scripts/local_servers.sh"), "start", "--no-fsync"])
    if not check(servers.returncode == 0, "local_servers.sh start: " + servers.stderr[-500:]):
        return
    sdir = servers.stdout.strip().splitlines()[-1]
    work = tempfile.mkdtemp(prefix="sluice-compose-test-")
    try:
        env = {}
        with open(os.path.join(sdir, "env")) as f:
            for m in re.finditer(r"\b([A-Z_]+)=(\S+)", f.read()):
                env[m.group(1)] = m.group(2)
        sock = env["MYSQL_SOCKET"]

        def mysql(sql=None, stdin=None, db=None, user=("-uroot",)):
            args = ["mariadb", "--no-defaults", *user, "-S", sock, "--batch", "--skip-column-names"]
            if db:
                args.append("--database=" + db)
            if sql:
                args += ["-e", sql]
            menv = {k: v for k, v in os.environ.items() if not k.startswith("MYSQL")}
            return subprocess.run(args, input=stdin, capture_output=True, text=True, env=menv)

        # What the image's entrypoint does with MARIADB_USER/PASSWORD/DATABASE (the private
        # server's own all-powerful `sluice` user goes first).
        user, pw, database = (db_env["MARIADB_USER"], db_env["MARIADB_PASSWORD"],
                              db_env["MARIADB_DATABASE"])
        r = mysql(f"DROP USER IF EXISTS '{user}'@'%', '{user}'@'localhost';"
                  f"CREATE DATABASE IF NOT EXISTS `{database}`;"
                  f"CREATE USER '{user}'@'%' IDENTIFIED BY '{pw}';"
                  f"GRANT ALL ON `{database}`.* TO '{user}'@'%';")
        check(r.returncode == 0, "entrypoint user: " + r.stderr)
        # /docker-entrypoint-initdb.d in name order, each with --database=MARIADB_DATABASE.
        init = sorted((t, h) for h, t in bind_mounts(DB)
                      if t.startswith("/docker-entrypoint-initdb.d/"))
        check(len(init) >= 3, f"{DB}: schema, data and grants mounted into initdb.d")
        for target, host in init:
            if not check(host.endswith(".sql") and os.path.isfile(host),
                         f"{DB}: {target} is not an SQL file of the repository"):
                continue
            with open(host) as f:
                r = mysql(stdin=f.read(), db=database)
            errors = [ln for ln in r.stderr.splitlines() if ln.startswith("ERROR")]
            check(r.returncode == 0, f"{os.path.relpath(host, SRC)} does not load into "
                  f"MariaDB 10.11: {'; '.join(errors) or r.stderr.strip()[-500:]}")
        counts = {}
        for t in ("customers", "accounts", "transactions", "agreements"):
            r = mysql(f"SELECT COUNT(*) FROM bank.{t}")
            counts[t] = int(r.stdout.strip() or 0) if r.returncode == 0 else 0
            check(counts[t] > 0, f"bank.{t} is empty after the init SQL")
        r = mysql("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'atlas_bank'")
        check(r.stdout.strip() == "4", "atlas_bank has its 4 tables")
        r = mysql(f"SHOW GRANTS FOR '{user}'@'%'")
        check("REPLICATION SLAVE" in r.stdout and ("REPLICATION CLIENT" in r.stdout or
                                                    "BINLOG MONITOR" in r.stdout),
              f"{user} has replication grants: {r.stdout}")

        if not SLUICE or not os.path.exists(SLUICE):
            print("no sluice binary given: the pipeline run is skipped", flush=True)
            return
        # The ODS pipeline with the compose service's environment; only the addresses change
        # (the private servers' ports, trust authentication in PostgreSQL).
        name = next((n for n in sluice_services
                     if any(str(c).endswith("mysql_to_ods.pipe") for c in services[n]["command"])),
                    None)
        if not check(name is not None, "a service runs mysql_to_ods.pipe"):
            return
        cmd = [str(c) for c in services[name]["command"]]
        pipe = {t: h for h, t in bind_mounts(name)}[cmd[1]]
        renv = {k: v for k, v in os.environ.items() if not k.startswith(("MYSQL", "ODS"))}
        renv.update({k: v for k, v in env_of(name).items() if v is not None})
        renv["MYSQL_HOST"], renv["MYSQL_PORT"] = "127.0.0.1", env["MYSQL_PORT"]
        u = urllib.parse.urlsplit(renv["ODS_URL"])
        renv["ODS_URL"] = u._replace(netloc=f"{u.username}:{u.password}@127.0.0.1:"
                                     f"{env['PG_PORT']}").geturl()
        r = subprocess.run([SLUICE, "run", pipe, "--exit-when-idle", "2s", "--quiet",
                            "--state-dir", os.path.join(work, "state")], cwd=work, env=renv,
                           capture_output=True, text=True, timeout=120)
        check(r.returncode == 0, f"sluice run {os.path.basename(pipe)} with {name}'s "
              f"environment: exit {r.returncode}: {r.stderr.strip()[-800:]}")
        psql = [os.path.join(env["PG_BIN"], "psql"), "-X", "-At", "-h", "127.0.0.1", "-p",
                env["PG_PORT"], "-U", "postgres", "-d", "ods"]
        for t, n in counts.items():
            got = sh(psql + ["-c", f"SELECT count(*) FROM ods.{t}"]).stdout.strip()
            check(got == str(n), f"ods.{t}: {got} rows, bank.{t} has {n}")
    finally:
        sh(["bash", os.path.join(SRC, "scripts/local_servers.sh"), "stop", sdir])
        shutil.rmtree(work, ignore_errors=True)


started = time.time()
load_and_run()
print(f"init SQL and pipeline run: {time.time() - started:.1f}s", flush=True)

if failures:
    print(f"compose_test: {len(failures)} failure(s)", flush=True)
    sys.exit(1)
print(f"compose_test: ok ({', '.join(sluice_services)})", flush=True)
