#!/usr/bin/python3
"""Upgrade Ganeti's testsuite configs to 3.0 for the objects tests.

Run once, as root, with the Debian packages ganeti-3.0 and ganeti-testsuite
installed:

  /usr/bin/python3 mkupgraded.py [OUTDIR]

For every cluster_config_2.{7..16}.json it builds a throw-away vcluster
node root (GANETI_ROOTDIR/GANETI_HOSTNAME set by this script before Ganeti
is imported), writes the file there as config.data, runs Ganeti's own
cfgupgrade code in-process and then gives DRBD child disks the "uuid" the
Haskell daemons insist on.  The result goes to OUTDIR (default: this
script's directory) as upgraded_2.N.json, sorted and indented, so the Go
tests need no Python.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid

HOSTNAME = "node1.example.com"
TESTDATA = "/usr/share/ganeti/testsuite/test/data"
VERSIONS = range(7, 17)


def upgrade_in_child(src, dst):
  """Run the upgrade of one file in a fresh interpreter and node root.

  Ganeti computes its paths at import time, so every file gets its own
  process with its own GANETI_ROOTDIR.
  """
  base = tempfile.mkdtemp(prefix="mkupgraded-")
  try:
    root = os.path.join(base, HOSTNAME)
    env = dict(os.environ, GANETI_ROOTDIR=root, GANETI_HOSTNAME=HOSTNAME)
    subprocess.check_call([sys.executable, __file__, "--one", src, dst],
                          env=env)
  finally:
    shutil.rmtree(base)


def add_child_uuids(disk):
  """Give every child disk without a uuid a deterministic one."""
  for idx, child in enumerate(disk.get("children") or []):
    if "uuid" not in child:
      child["uuid"] = str(uuid.uuid5(uuid.UUID(disk["uuid"]), str(idx)))
    add_child_uuids(child)


def upgrade_one(src, dst):
  """Upgrade src to 3.0 inside the current vcluster root; write dst."""
  sys.path.insert(0, "/usr/share/ganeti/3.0")
  from ganeti import bootstrap, pathutils, ssconf, utils
  from ganeti.tools import cfgupgrade

  root = os.environ["GANETI_ROOTDIR"]
  for sub in ("etc/ganeti", "var/lib/ganeti", "var/log/ganeti",
              "var/run/ganeti", "var/lock"):
    os.makedirs(os.path.join(root, sub), exist_ok=True)
  with open(src) as fh:
    data = fh.read()
  utils.WriteFile(pathutils.CLUSTER_CONF_FILE, data=data, mode=0o600)
  utils.WriteFile(pathutils.SSH_KNOWN_HOSTS_FILE, data="", mode=0o644)
  bootstrap.GenerateClusterCrypto(True, True, True, True, True, True,
                                  HOSTNAME)
  ssconf.WriteSsconfFiles({"master_node": HOSTNAME})

  # The master-name check resolves the host name; compare with ssconf
  # instead of touching /etc/hosts.
  cfgupgrade.CfgUpgrade.CheckHostname = staticmethod(
      lambda path: utils.ReadOneLineFile(path) == HOSTNAME)
  opts, args = cfgupgrade.ParseOptions(["-f"])
  cfgupgrade.CfgUpgrade(opts, args).Run()

  with open(pathutils.CLUSTER_CONF_FILE) as fh:
    cfg = json.load(fh)
  for disk in (cfg.get("disks") or {}).values():
    add_child_uuids(disk)
  with open(dst, "w") as fh:
    json.dump(cfg, fh, indent=1, sort_keys=True)
    fh.write("\n")


def main():
  if len(sys.argv) == 4 and sys.argv[1] == "--one":
    upgrade_one(sys.argv[2], sys.argv[3])
    return
  outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
      os.path.abspath(__file__))
  for minor in VERSIONS:
    src = os.path.join(TESTDATA, "cluster_config_2.%d.json" % minor)
    dst = os.path.join(outdir, "upgraded_2.%d.json" % minor)
    upgrade_in_child(src, dst)
    print("wrote %s" % dst)


if __name__ == "__main__":
  main()
