#!/usr/bin/python3
"""Captures how the real Haskell ganeti-luxid answers regular expressions.

Not run by the tests: it recorded the golden files of the two engines of
=~, query/pcre/testdata/luxid-3.0.json (Ganeti 3.0.2, Debian 12, libpcre
8.39 through regex-pcre) and query/tdfa/testdata/luxid-3.1.json (Ganeti
3.1.0~rc2, Debian 13, regex-tdfa 1.3.2.2), from a sandbox running the
Haskell luxid, and can record them again from the checkout's root:

    go build -o .build/gnt-sandbox ./cmd/gnt-sandbox
    sh -c '.build/gnt-sandbox up --luxid=haskell /tmp/rx >/dev/null &&
      . /tmp/rx/env.sh && python3 query/pcre/testdata/capture-regexp.py \
      query/pcre/testdata/regexp-cases.json > query/pcre/testdata/luxid-3.0.json;
      .build/gnt-sandbox down --rm /tmp/rx >/dev/null'
    scripts/in-debian13.sh sh -c '...the same... > query/tdfa/testdata/luxid-3.1.json'

Pointed at goluxid (--luxid=go --goluxid=PATH) it records what goluxid
answers, which must be the same file.

regexp-cases.json lists the subjects and the patterns. The subjects become
instances of the sandbox's config.data (luxid reloads it); every pattern
is sent as Query("instance", ["uuid"], ["=~", "name", pattern]) and the
record keeps either the subjects it matched (indices) or the text of the
error after "error: " in "Failed to parse request: Cannot convert value
'<args>', error: <text>".

luxid writes each character of its answer as one byte, the low 8 bits of
the code point, and goluxid writes UTF-8; the record keeps the answer with
every character cut to its low 8 bits, so both come out alike.
"""

import json
import os
import socket
import sys
import time
import uuid

SOCKET = os.environ["GNT_SANDBOX_LUXI_SOCKET"]
CONFIG = os.path.join(os.environ["GANETI_ROOTDIR"], "var/lib/ganeti/config.data")
MARKER = "', error: "


def call(method, args):
  """Sends one request on a fresh connection, returns the decoded answer."""
  sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
  sock.settimeout(30)
  sock.connect(SOCKET)
  request = json.dumps({"method": method, "args": args, "version": 0})
  sock.sendall(request.encode("utf-8") + b"\x03")
  data = b""
  while not data.endswith(b"\x03"):
    chunk = sock.recv(65536)
    if not chunk:
      break
    data += chunk
  sock.close()
  try:
    text = data.rstrip(b"\x03").decode("utf-8")
  except UnicodeDecodeError:
    text = data.rstrip(b"\x03").decode("latin-1")
  return json.loads(text)


def low_bytes(s):
  return "".join(chr(ord(c) & 0xff) for c in s)


def add_subjects(subjects):
  """Adds an instance per subject to config.data; returns uuid -> index."""
  with open(CONFIG) as f:
    config = json.load(f)
  template = next(iter(config["instances"].values()))
  by_uuid = {}
  for index, name in enumerate(subjects):
    inst = dict(template)
    inst_uuid = str(uuid.uuid5(uuid.NAMESPACE_OID, "subject%d" % index))
    inst.update(name=name, uuid=inst_uuid, disks=[], nics=[])
    config["instances"][inst_uuid] = inst
    by_uuid[inst_uuid] = index
  config["serial_no"] += 1
  with open(CONFIG + ".new", "w") as f:
    json.dump(config, f)
  os.rename(CONFIG + ".new", CONFIG)
  for _ in range(400):
    answer = call("Query", ["instance", ["uuid"], None])
    if answer["success"] and len(answer["result"]["data"]) == len(config["instances"]):
      return by_uuid
    time.sleep(0.05)
  sys.exit("luxid did not load the new config.data")


def main():
  with open(sys.argv[1]) as f:
    spec = json.load(f)
  by_uuid = add_subjects(spec["subjects"])
  version = call("QueryClusterInfo", [])["result"]["software_version"]
  cases = []
  for pattern in spec["patterns"]:
    if os.environ.get("CAPTURE_TRACE"):
      sys.stderr.write(json.dumps(pattern) + "\n")
    answer = call("Query", ["instance", ["uuid"], ["=~", "name", pattern]])
    case = {"pattern": pattern}
    if answer["success"]:
      case["matches"] = sorted(by_uuid[row[0][1]] for row in answer["result"]["data"]
                               if row[0][1] in by_uuid)
    elif isinstance(answer["result"], str) and MARKER in answer["result"]:
      case["error"] = low_bytes(answer["result"].split(MARKER, 1)[1])
    else:
      case["failure"] = low_bytes(json.dumps(answer["result"]))
    cases.append(case)
  out = sys.stdout
  out.write('{"software_version": %s,\n "subjects": %s,\n "cases": [\n' %
            (json.dumps(version), json.dumps(spec["subjects"])))
  out.write(",\n".join("  " + json.dumps(case) for case in cases))
  out.write("\n ]\n}\n")


if __name__ == "__main__":
  main()
