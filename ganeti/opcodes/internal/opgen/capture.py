#!/usr/bin/python3
"""Captures how the real Haskell ganeti-luxid answers opcode submissions.

Not run by the tests: it recorded ganeti/opcodes/testdata/luxid-submit.json
from Ganeti 3.0.2's luxid in a sandbox (cmd/gnt-sandbox up --luxid=haskell
DIR), and can record it again:

    . DIR/env.sh
    /usr/bin/python3 internal/opgen/capture.py testdata/submit-cases.json \
        > testdata/luxid-submit.json
    /usr/bin/python3 internal/opgen/capture.py --seeds \
        testdata/fuzz/FuzzValidate testdata/submit-cases.json

With --seeds DIR it instead writes every opcode of the cases as a seed of
the fuzz corpus (testdata/fuzz/FuzzValidate); no luxid is needed then.

For every case (a name and one or more opcodes as JSON text, sent
verbatim) it submits a job and records luxid's answer; for an accepted job
it records the inputs of the job file exactly as luxid wrote them and the
job's summary. A PAUSE filter installed first keeps the jobs queued, so the
files are luxid's and not a job process's.
"""

import json
import os
import re
import socket
import sys

SOCKET = os.environ.get("GNT_SANDBOX_LUXI_SOCKET", "")
QUEUE = os.environ.get("GNT_SANDBOX_QUEUE_DIR", "")
TIMEOUT = 10  # seconds without an answer: luxid failed inside the handler


def call(request_text):
  """Sends one request on a fresh connection, returns the answer text."""
  sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
  sock.settimeout(TIMEOUT)
  sock.connect(SOCKET)
  sock.sendall(request_text.encode("utf-8") + b"\x03")
  data = b""
  try:
    while not data.endswith(b"\x03"):
      chunk = sock.recv(65536)
      if not chunk:
        break
      data += chunk
  except socket.timeout:
    pass
  sock.close()
  return data.rstrip(b"\x03").decode("utf-8", "replace")


def luxi(method, args):
  return json.loads(call(json.dumps({"method": method, "args": args})))


def job_inputs(job_id):
  """The raw text of each opcode input in luxid's job file."""
  with open(os.path.join(QUEUE, "job-%d" % job_id), encoding="utf-8") as f:
    text = f.read()
  decoder = json.JSONDecoder()
  inputs, pos = [], 0
  while True:
    pos = text.find('{"input":', pos)
    if pos < 0:
      return inputs
    start = pos + len('{"input":')
    _, end = decoder.raw_decode(text, start)
    inputs.append(text[start:end])
    pos = end


def write_seeds(cases, directory):
  """Writes each opcode as a Go fuzz corpus file."""
  os.makedirs(directory, exist_ok=True)
  for case in cases:
    for i, op in enumerate(case["ops"]):
      name = re.sub(r"[^a-z0-9-]", "-", case["name"])
      if i:
        name += "-%d" % i
      with open(os.path.join(directory, name), "w", encoding="utf-8") as f:
        # With ensure_ascii off, json.dumps escapes only control characters
        # (as \u00XX): the JSON string is then a Go string literal.
        f.write("go test fuzz v1\n[]byte(%s)\n" %
                json.dumps(op, ensure_ascii=False))


def main():
  if sys.argv[1] == "--seeds":
    with open(sys.argv[3], encoding="utf-8") as f:
      write_seeds(json.load(f), sys.argv[2])
    return
  with open(sys.argv[1], encoding="utf-8") as f:
    cases = json.load(f)
  paused = luxi("ReplaceFilter",
                [None, 0, [["jobid", [">", "id", 0]]], "PAUSE", []])
  assert paused["success"], paused
  results = []
  for case in cases:
    ops = case["ops"]
    request = '{"method":"SubmitJob","args":[[%s]],"version":3000000}' % \
        ",".join(ops)
    sys.stderr.write("case %s\n" % case["name"])
    text = call(request)
    if not text:
      results.append({"name": case["name"], "ops": ops, "no_answer": True})
      continue
    answer = json.loads(text)
    result = {"name": case["name"], "ops": ops, "success": answer["success"],
              "result": answer["result"]}
    if answer["success"]:
      job_id = answer["result"]
      result["inputs"] = job_inputs(job_id)
      summary = luxi("QueryJobs", [[job_id], ["summary", "received_ts"]])
      result["summary"] = summary["result"][0][0]
      result["received_ts"] = summary["result"][0][1]
    results.append(result)
  luxi("DeleteFilter", [paused["result"]])
  json.dump(results, sys.stdout, indent=1, ensure_ascii=False)
  sys.stdout.write("\n")


if __name__ == "__main__":
  main()
