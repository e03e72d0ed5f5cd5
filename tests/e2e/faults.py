"""Faults a report meets in production: a rename that fails half-way through
the outputs, a full disk, a low open-file limit, a device or a link as the
target, standard output that cannot be written, a signal mid-write, a FIFO
as an input, and batch runs killed with -9. Each case says why it is skipped
when this machine lacks what it needs (unshare, tmpfs, /dev/full, root)."""
import fcntl
import hashlib
import json
import os
import random
import resource
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import CBAMCALC, Checks, run  # noqa: E402

c = Checks()
VALGRIND = os.environ.get("CBAM_VALGRIND")
HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.join(HERE, "..", "..", "examples", "yuncheng")
ELEC = os.path.join(EXAMPLE, "electricity.csv")
PROD = os.path.join(EXAMPLE, "production.csv")

def skip(case, why):
    print("SKIP %s: %s" % (case, why))


def cbam_cmd(args):
    """The command line of a cbamcalc run (under valgrind when the build asks)."""
    vg = [VALGRIND, "--quiet", "--error-exitcode=99", "--leak-check=full",
          "--errors-for-leak-kinds=definite,indirect"] if VALGRIND else []
    return vg + [CBAMCALC] + args


def no_valgrind_error(p):
    c.ok(p.returncode != 99, "valgrind found errors:\n%s" % p.stderr)


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def hidden(d):
    """Temporaries and backups: hidden names in an output directory."""
    return sorted(n for n in os.listdir(d) if n.startswith("."))


def gen_enterprises(path, n):
    with open(path, "w") as f:
        f.write("enterprise_id,period,meter_id,source,kwh\n")
        for i in range(n):
            f.write("E%04d,2025-01,M1,grid,%d\n" % (i, 100 + i))


def wait_unlocked(d, limit=60):
    """Waits until no process of a killed batch run holds DIR's lock: its
    children die after their parent, some only once an fsync returns."""
    lock = os.path.join(d, ".cbamcalc-batch.lock")
    if not os.path.exists(lock):
        return True
    fd = os.open(lock, os.O_RDWR)
    try:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                time.sleep(0.01)
        return False
    finally:
        os.close(fd)


def can_unshare_mount():
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return "unshare or mount is not installed"
    p = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt 2>&1 || "
                        "{ d=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs \"$d\"; }"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        return "cannot mount in a private namespace (unshare -m needs root): %s" % (p.stderr or p.stdout).strip()
    return None


def in_namespace(script, cwd):
    """Runs a shell script in a private mount namespace; its mounts vanish with it."""
    return subprocess.run(["unshare", "-m", "sh", "-c", script], cwd=cwd, capture_output=True, text=True)


def q(args):
    return " ".join(shlex.quote(a) for a in cbam_cmd(args))


NS_PROBLEM = can_unshare_mount()

with tempfile.TemporaryDirectory() as tmp:
    big = os.path.join(tmp, "e1100.csv")
    gen_enterprises(big, 1100)
    one = ["-e", ELEC, "-p", PROD, "--enterprise", "YC-AP01", "-q"]

    # 1. A rename that fails after another output was replaced: all or none.
    #    The workbook's target is a mount point (a bind mount), so renaming
    #    over it fails with EBUSY after the JSON was renamed.
    case = "rollback"
    if NS_PROBLEM:
        skip(case, NS_PROBLEM)
    else:
        d = os.path.join(tmp, "rb")
        os.makedirs(d)
        p = run(["report"] + one + ["--json", os.path.join(d, "r.json"), "-o", os.path.join(d, "r.xlsx")], tmp)
        c.ok(p.returncode == 0, "first report: %d %s" % (p.returncode, p.stderr))
        before_json, before_xlsx = sha(os.path.join(d, "r.json")), sha(os.path.join(d, "r.xlsx"))
        open(os.path.join(tmp, "blocker"), "w").close()
        args = ["report"] + one + ["--grid-factor", "0.9", "-o", "rb/r.xlsx"]
        script = ("mount --bind blocker rb/r.xlsx || exit 90\n"
                  "%s; echo \"rc=$?\"\n%s; echo \"rc=$?\"\n" %
                  (q(args + ["--json", "rb/r.json"]), q(args + ["--json", "rb/new.json"])))
        p = in_namespace(script, tmp)
        c.ok(p.stdout.split() == ["rc=73", "rc=73"], "rename failure: exit 73 twice: %r %s" % (p.stdout, p.stderr))
        c.ok("r.xlsx: error: cannot replace: Device or resource busy" in p.stderr, "names the failed rename: " + p.stderr)
        c.ok(sha(os.path.join(d, "r.json")) == before_json, "the JSON already renamed got its old bytes back")
        c.ok(sha(os.path.join(d, "r.xlsx")) == before_xlsx, "the workbook is the old one")
        c.ok(not os.path.exists(os.path.join(d, "new.json")), "a JSON that did not exist before is removed again")
        c.ok(hidden(d) == [], "no temporary or backup left: %s" % hidden(d))

    # 2. Targets that are not regular files are refused; a link to a file is followed.
    d = os.path.join(tmp, "tg")
    os.makedirs(d)
    os.mkfifo(os.path.join(d, "fifo.json"))
    p = run(["report"] + one + ["--json", "tg/fifo.json"], tmp)
    c.ok(p.returncode == 73 and "tg/fifo.json: error: is a named pipe (FIFO)" in p.stderr,
         "FIFO as output: %d %s" % (p.returncode, p.stderr))
    c.ok(stat.S_ISFIFO(os.lstat(os.path.join(d, "fifo.json")).st_mode), "the FIFO is still a FIFO")
    try:
        # A null device of our own: the test never risks the machine's /dev/null.
        os.mknod(os.path.join(d, "null.json"), stat.S_IFCHR | 0o666, os.makedev(1, 3))
        os.symlink("null.json", os.path.join(d, "to-null.json"))
        for name in ("null.json", "to-null.json"):
            p = run(["report"] + one + ["--json", "tg/" + name], tmp)
            c.ok(p.returncode == 73 and ("tg/%s: error: is" % name) in p.stderr and "character device" in p.stderr,
                 "device as output (%s): %d %s" % (name, p.returncode, p.stderr))
        c.ok(stat.S_ISCHR(os.lstat(os.path.join(d, "null.json")).st_mode), "the device is still a device")
        c.ok(os.path.islink(os.path.join(d, "to-null.json")), "the link to it is still a link")
    except PermissionError as e:
        skip("device-target", "cannot make a device node here: %s" % e)
    with open(os.path.join(d, "real.json"), "w") as f:
        f.write("old\n")
    os.symlink("real.json", os.path.join(d, "link.json"))
    p = run(["report"] + one + ["--json", "tg/link.json"], tmp)
    c.ok(p.returncode == 0, "link to a regular file: %d %s" % (p.returncode, p.stderr))
    c.ok(os.path.islink(os.path.join(d, "link.json")), "the link stays a link")
    with open(os.path.join(d, "real.json")) as f:
        c.ok(f.read().startswith('{\n  "tool"'), "the file it points to is replaced")
    os.symlink("missing.json", os.path.join(d, "dangling.json"))
    p = run(["report"] + one + ["--json", "tg/dangling.json"], tmp)
    c.ok(p.returncode == 73 and "symbolic link to nothing" in p.stderr, "dangling link: %d %s" % (p.returncode, p.stderr))
    c.ok(not os.path.exists(os.path.join(d, "missing.json")), "nothing created through a dangling link")
    os.makedirs(os.path.join(d, "dir.xlsx", "inside"))
    before = sha(os.path.join(d, "real.json"))
    p = run(["report"] + one + ["--json", "tg/real.json", "-o", "tg/dir.xlsx"], tmp)
    c.ok(p.returncode == 73 and "tg/dir.xlsx: error: is a directory" in p.stderr, "directory as -o: %s" % p.stderr)
    c.ok(sha(os.path.join(d, "real.json")) == before, "the JSON is not replaced when the workbook cannot be")
    p = run(["report"] + one + ["--json", "tg/bad\nname.json"], tmp)
    c.ok(p.returncode == 64 and "control character" in p.stderr, "newline in a name: %d %s" % (p.returncode, p.stderr))
    c.ok(not hidden(d) and not [n for n in os.listdir(d) if "name" in n], "nothing else written: %s" % os.listdir(d))
    p = run(["report"] + one + ["--json", "tg/real.json", "-o", "./tg//real.json"], tmp)
    c.ok(p.returncode == 64 and "the same file" in p.stderr, "--json and -o the same: %d %s" % (p.returncode, p.stderr))
    p = run(["report"] + one + ["--json", "tg/link.json", "-o", "tg/real.json"], tmp)
    c.ok(p.returncode == 64 and sha(os.path.join(d, "real.json")) == before, "a link and its file are the same")

    # 3. Standard output that cannot be written is an unwritable output (73).
    if not os.path.exists("/dev/full"):
        skip("stdout", "/dev/full is missing")
    else:
        for what, args in (("factors list", ["factors", "list"]),
                           ("factors show", ["factors", "show", "cn-mee-avg-2023"]),
                           ("report summary", ["report", "-e", ELEC, "-p", PROD, "-q"]),
                           ("report --json -", ["report", "-e", ELEC, "-p", PROD, "-q", "--json", "-"])):
            with open("/dev/full", "w") as full:
                p = subprocess.run(cbam_cmd(args), cwd=tmp, stdout=full, stderr=subprocess.PIPE, text=True)
            no_valgrind_error(p)
            c.ok(p.returncode == 73 and "standard output failed: No space left on device" in p.stderr,
                 "%s > /dev/full: %d %s" % (what, p.returncode, p.stderr))

    # 4. A full file system: exit 73 naming the file and the reason; the
    #    existing report untouched; nothing half-written.
    case = "full-disk"
    if NS_PROBLEM:
        skip(case, NS_PROBLEM)
    else:
        os.makedirs(os.path.join(tmp, "fd"))
        script = ("mount -t tmpfs -o size=64k tmpfs fd || exit 90\n"
                  "printf 'old\\n' > fd/r.json; mkdir fd/s; printf 'old\\n' > fd/s/E0001.json\n"
                  "%s 2>err1; echo \"rc=$?\"\n"
                  "%s 2>err2; echo \"rc=$?\"\n"
                  "cp fd/r.json r.copy; cp fd/s/E0001.json s.copy; ls -A fd > ls1; ls -A fd/s > ls2\n" %
                  (q(["report", "-e", big, "-q", "--json", "fd/r.json"]),
                   q(["report", "-e", big, "-q", "--split", "--out-dir", "fd/s"])))
        p = in_namespace(script, tmp)

        def text(name):
            with open(os.path.join(tmp, name)) as f:
                return f.read()
        c.ok(p.stdout.split() == ["rc=73", "rc=73"], "full disk: exit 73: %r %s" % (p.stdout, p.stderr))
        c.ok("fd/r.json: error: writing the JSON failed: No space left on device" in text("err1"),
             "the JSON's failure says what and why: " + text("err1")[-300:])
        c.ok("No space left on device" in text("err2"), "--split: says why: " + text("err2")[-300:])
        c.ok(text("r.copy") == "old\n" and text("s.copy") == "old\n", "the existing reports are untouched")
        c.ok(text("ls1").split() == ["r.json", "s"] and text("ls2").split() == ["E0001.json"],
             "nothing half-written: %r %r" % (text("ls1"), text("ls2")))

    # 5. A low limit of open files: --split closes each output once written.
    if VALGRIND:
        skip("ulimit", "valgrind needs file descriptors of its own")
    else:
        def low_limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
        out = os.path.join(tmp, "ul")
        p = subprocess.run([CBAMCALC, "report", "-e", big, "-q", "--split", "--out-dir", out], cwd=tmp,
                           capture_output=True, text=True, preexec_fn=low_limit)
        names = os.listdir(out) if os.path.isdir(out) else []
        c.ok(p.returncode == 0, "1,100 enterprises under ulimit -n 256: exit %d %s" % (p.returncode, p.stderr[-300:]))
        c.ok(len(names) == 2200 and not hidden(out), "2,200 files, no temporaries: %d" % len(names))

    # 6. SIGTERM while a report writes: its temporaries go, nothing is half-written.
    if VALGRIND:
        skip("sigterm", "too slow under valgrind to catch mid-write")
    else:
        out = os.path.join(tmp, "sig")
        proc = subprocess.Popen([CBAMCALC, "report", "-e", big, "-q", "--split", "--out-dir", out], cwd=tmp,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        seen = False
        while time.monotonic() < deadline and proc.poll() is None:
            if os.path.isdir(out) and hidden(out):
                seen = True
                break
            time.sleep(0.002)
        proc.send_signal(signal.SIGTERM)
        proc.communicate()
        names = os.listdir(out) if os.path.isdir(out) else []
        c.ok(seen, "the run was caught writing")
        c.ok(proc.returncode in (143, 0), "SIGTERM: exit %d (143 expected)" % proc.returncode)
        c.ok(not hidden(out), "no temporaries after SIGTERM: %s" % hidden(out)[:5])
        c.ok(len(names) in (0, 2200), "all outputs or none: %d" % len(names))

    # 7. A FIFO as an input fails at once with 66, never waits for a writer;
    #    the shell's pipes (-e <(...), /dev/fd/N) still work.
    fifo = os.path.join(tmp, "in.fifo")
    os.mkfifo(fifo)
    try:
        p = subprocess.run(cbam_cmd(["report", "-e", fifo, "-q"]), cwd=tmp, capture_output=True, text=True,
                           timeout=60 if VALGRIND else 10)
        no_valgrind_error(p)
        c.ok(p.returncode == 66 and "in.fifo: error: is a named pipe" in p.stderr,
                   "FIFO input: %d %s" % (p.returncode, p.stderr))
    except subprocess.TimeoutExpired:
        c.ok(False, "FIFO input: cbamcalc waited for a writer (killed after the timeout)")
    r, w = os.pipe()
    os.write(w, b"enterprise_id,period,source,kwh\nE1,2025-01,grid,100\n")
    os.close(w)
    p = subprocess.run(cbam_cmd(["report", "-e", "/dev/fd/%d" % r, "-q", "--json", "-"]), cwd=tmp,
                       capture_output=True, text=True, pass_fds=(r,))
    os.close(r)
    no_valgrind_error(p)
    c.ok(p.returncode == 0 and '"enterprise_id": "E1"' in p.stdout, "/dev/fd/N input: %d %s" % (p.returncode, p.stderr))

    # 8. kill -9 of a batch run at random points, five times; the next run
    #    finishes with exit 0 and every output whole.
    if VALGRIND:
        skip("kill-9", "timing under valgrind is meaningless")
    else:
        clients = os.path.join(tmp, "clients")
        for i in range(40):
            cd = os.path.join(clients, "client-%02d" % i)
            os.makedirs(cd)
            with open(os.path.join(cd, "electricity.csv"), "w") as f:
                f.write("enterprise_id,period,meter_id,source,kwh\n")
                for m in range(1, 13):
                    f.write("C%02d,2025-%02d,M1,grid,%d\n" % (i, m, 1000 * (i + 1) + m))
        seed = int(os.environ.get("CBAM_FAULT_SEED", "0")) or random.randrange(1, 1 << 30)
        rng = random.Random(seed)
        out = os.path.join(tmp, "batch")
        for k in range(5):
            proc = subprocess.Popen([CBAMCALC, "batch", "--scan", clients, "--out-dir", out, "-j", "2"], cwd=tmp,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            time.sleep(rng.uniform(0.02, 0.8))
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
            c.ok(wait_unlocked(out), "the killed run's processes end")
        p = run(["batch", "--scan", clients, "--out-dir", out, "-j", "2"], tmp)
        c.ok(p.returncode == 0, "the run after five kill -9 (seed %d): exit %d %s" % (seed, p.returncode, p.stderr))
        good = True
        for i in range(40):
            for ext in ("json", "xlsx"):
                path = os.path.join(out, "client-%02d.%s" % (i, ext))
                try:
                    if ext == "json":
                        with open(path) as f:
                            good &= json.load(f)["enterprises"][0]["enterprise_id"] == "C%02d" % i
                    else:
                        with zipfile.ZipFile(path) as z:
                            good &= z.testzip() is None
                except (OSError, ValueError, zipfile.BadZipFile, KeyError, IndexError) as e:
                    print("bad output %s: %s" % (path, e))
                    good = False
        c.ok(good, "every output a whole zip / JSON of its client (seed %d)" % seed)
        c.ok(set(hidden(out)) <= {".cbamcalc-batch.lock", ".cbamcalc-state.json"},
             "no stale temporaries: %s" % hidden(out))
c.finish()
