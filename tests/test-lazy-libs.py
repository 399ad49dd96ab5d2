#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""libcurl and libxml2 are opened on first use, not linked (TAP).

libucpolicy.so does not list them as NEEDED, and its .note.dlopen notes name their SONAMEs for
packaging tools; a one-shot `ucpolicy check --trust` loads neither (the dynamic loader's own
trace, LD_DEBUG=libs); when they cannot be loaded (the no-dlopen shim refuses them, as if not
installed) a topology document is an input error naming the file and libxml2, and an online
revocation check reports that it needs libcurl, without a crash. The certificates are made here
with certtool. Under the valgrind setup (UCPOLICY_TEST_MEMCHECK) the loader trace is skipped: what
memcheck adds is the two error paths.

    test-lazy-libs.py UCPOLICY LIBUCPOLICY NO_DLOPEN_SHIM TOPOLOGY_DIR
"""
import os
import shutil
import subprocess
import sys
import tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import finish, point, skip  # noqa: E402

UCPOLICY, LIBRARY, SHIM, TOPOLOGY_DIR = sys.argv[1:5]
ENTERPRISE = os.path.join(TOPOLOGY_DIR, "contoso-enterprise.tbxml")

if not shutil.which("certtool") or not shutil.which("readelf"):
    print("1..0 # SKIP certtool (gnutls-bin) or readelf (binutils) is not installed")
    sys.exit(0)


def run(args, **env):
    e = dict(os.environ)
    e.update(env)
    p = subprocess.run([UCPOLICY] + args, capture_output=True, timeout=300, env=e, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


# ---- the library file ----
dynamic = subprocess.run(["readelf", "-d", LIBRARY], capture_output=True, text=True).stdout
needed = [line.split("[")[-1].rstrip("]") for line in dynamic.splitlines() if "(NEEDED)" in line]
point(needed and not any(n.startswith(("libcurl", "libxml2")) for n in needed),
      "libucpolicy does not link libcurl or libxml2", needed)
sections = subprocess.run(["readelf", "-S", "-W", LIBRARY], capture_output=True, text=True).stdout
with open(LIBRARY, "rb") as f:
    image = f.read()
point(".note.dlopen" in sections and b'"soname":["libcurl-gnutls.so.4","libcurl.so.4"]' in image
      and b'"soname":["libxml2.so.' in image,
      "its .note.dlopen notes name libcurl's and libxml2's SONAMEs",
      [line for line in sections.splitlines() if "note" in line])

# ---- certificates: a CA and a leaf with a CRL distribution point ----
tmp = tempfile.TemporaryDirectory(prefix="ucpolicy-lazy-")


def path(name):
    return os.path.join(tmp.name, name)


def certtool(*args):
    subprocess.run(["certtool"] + list(args), check=True, capture_output=True, timeout=120)


with open(path("ca.tmpl"), "w") as f:
    f.write('cn = "Lazy Libraries Test Root"\nca\ncert_signing_key\ncrl_signing_key\nexpiration_days = 3650\n')
with open(path("leaf.tmpl"), "w") as f:
    f.write('cn = "pool01.contoso.com"\ndns_name = "pool01.contoso.com"\ndns_name = "fe01.contoso.com"\n'
            "tls_www_server\ntls_www_client\nsigning_key\nencryption_key\nexpiration_days = 365\n"
            'crl_dist_points = "http://crl.contoso.com/root.crl"\n')
certtool("--generate-privkey", "--key-type", "ecdsa", "--outfile", path("ca.key"))
certtool("--generate-privkey", "--key-type", "ecdsa", "--outfile", path("leaf.key"))
certtool("--generate-self-signed", "--load-privkey", path("ca.key"), "--template", path("ca.tmpl"),
         "--outfile", path("ca.pem"))
certtool("--generate-certificate", "--load-privkey", path("leaf.key"), "--load-ca-privkey", path("ca.key"),
         "--load-ca-certificate", path("ca.pem"), "--template", path("leaf.tmpl"), "--outfile", path("leaf.pem"))
base = ["check", "--role", "tls-server", "--trust", path("ca.pem"), "--color", "never"]

# ---- a one-shot check loads neither ----
if os.environ.get("UCPOLICY_TEST_MEMCHECK"):
    skip("a one-shot check --trust loads neither libcurl nor libxml2", "the loader trace is not memcheck's")
else:
    code, out, err = run(base + ["-q", path("leaf.pem")], LD_DEBUG="libs")
    loaded = [line.strip() for line in err.splitlines() if "calling init:" in line]
    point(code == 0 and loaded and not any("libcurl" in x or "libxml2" in x for x in loaded),
          "a one-shot check --trust loads neither libcurl nor libxml2 (LD_DEBUG=libs)",
          [code, out[-500:]] + loaded)

# ---- when they cannot be loaded ----
# The shim is preloaded ahead of everything: an AddressSanitizer build would refuse to start
# with its runtime not first in the list, so that check is turned off (it changes nothing else).
asan = os.environ.get("ASAN_OPTIONS", "")
NO_ORDER = (asan + ":" if asan else "") + "verify_asan_link_order=0"
code, out, err = run(base + ["--topology", ENTERPRISE, "--server", "fe01.contoso.com", path("leaf.pem")],
                     LD_PRELOAD=SHIM, UCP_NO_DLOPEN="libxml2", ASAN_OPTIONS=NO_ORDER)
point(code == 3 and "contoso-enterprise.tbxml" in err and "needs libxml2 (libxml2.so." in err,
      "without libxml2 a topology document is an input error naming the file and libxml2 (exit 3)",
      [code, err[-1500:], out[-500:]])
code, out, err = run(base + ["--online", "--format", "json", path("leaf.pem")],
                     LD_PRELOAD=SHIM, UCP_NO_DLOPEN="libcurl", ASAN_OPTIONS=NO_ORDER)
point(code in (0, 1, 2) and "online revocation needs libcurl" in out,
      "without libcurl an online check reports that it needs libcurl, and the check still ends",
      [code, err[-1500:], out[-3000:]])
sys.exit(finish())
