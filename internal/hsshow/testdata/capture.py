#!/usr/bin/python3
"""Captures how the real Haskell ganeti-luxid pretty-prints JSON values.

Not run by the tests: it recorded internal/hsshow/testdata/luxid-pretty.json
from Ganeti 3.0.2's luxid in a sandbox (cmd/gnt-sandbox up --luxid=haskell
DIR), and can record it again:

    . DIR/env.sh
    /usr/bin/python3 internal/hsshow/testdata/capture.py \
        > internal/hsshow/testdata/luxid-pretty.json

Every case is a JSON value made up from a fixed seed, sent as the args of
a QueryConfigValues request. luxid cannot read them as a list of field
names and answers "Failed to parse request: Cannot convert value '<v>',
error: ...", where <v> is show (pp_value args): Text.JSON's pretty printer
laid out by HughesPJ. The record keeps the args text and <v>.

luxid writes each character of its answer as one byte, the low 8 bits of
the code point, so the strings here use characters above U+00FF only where
their low byte is a printable ASCII one; the Go test applies the same
truncation before comparing.
"""

import json
import os
import random
import socket
import sys

SOCKET = os.environ.get("REF_LUXI_SOCKET") or os.environ.get(
    "GNT_SANDBOX_LUXI_SOCKET", "")
SEED = 3002
PREFIX = "Failed to parse request: Cannot convert value '"
ALPHABET = ("abcdefghijklmnopqrstuvwxyz0123456789-_. " * 4 +
            "ABCXYZ\"\\/\t\n\x01\x1f\x7f\x85\u00e9\u00ff\u0141\u2041")
NUMBERS = ["0", "-1", "7", "42", "1.5", "-2.25", "2e3", "1E-2", "0.1", "-0.0",
           "1e-500", "-1e-500", "123456789012345678901234567890", "1e21",
           "3.141592653589793", "1.0", "100.000", "-7e-3", "12345678.9",
           "0.05", "1e7", "9999999.5", "5e-324", "18446744073709551616",
           "-9223372036854775809", "2.5e-3", "1.7976931348623157e308"]


def call(args_text):
  """Sends one request on a fresh connection, returns the answer text."""
  sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
  sock.settimeout(10)
  sock.connect(SOCKET)
  request = '{"method": "QueryConfigValues", "args": %s}' % args_text
  sock.sendall(request.encode("utf-8") + b"\x03")
  data = b""
  while not data.endswith(b"\x03"):
    chunk = sock.recv(65536)
    if not chunk:
      break
    data += chunk
  sock.close()
  return data.rstrip(b"\x03").decode("latin-1")


class Gen:
  """Makes up JSON values as text, keeping number literals verbatim."""

  def __init__(self, seed):
    self.rnd = random.Random(seed)

  def string(self, longest):
    n = self.rnd.choice([0, 1, 3, 8, 15, 30, longest])
    n = self.rnd.randint(0, max(n, 0))
    return json.dumps("".join(self.rnd.choice(ALPHABET) for _ in range(n)))

  def scalar(self):
    r = self.rnd.random()
    if r < 0.45:
      return self.string(self.rnd.choice([10, 40, 120]))
    if r < 0.85:
      return self.rnd.choice(NUMBERS)
    return self.rnd.choice(["null", "true", "false"])

  def value(self, depth, width):
    r = self.rnd.random()
    if depth <= 0 or r < 0.35:
      return self.scalar()
    n = self.rnd.randint(0, width)
    if r < 0.7:
      items = [self.value(depth - 1, width) for _ in range(n)]
      return "[" + ", ".join(items) + "]"
    members = []
    for _ in range(n):
      key = self.string(self.rnd.choice([5, 20, 45]))
      members.append(key + ": " + self.value(depth - 1, width))
    return "{" + ", ".join(members) + "}"

  def deep(self, depth):
    """A value nested depth levels, each level behind a long key."""
    inner = self.value(1, 4)
    for _ in range(depth):
      if self.rnd.random() < 0.5:
        key = self.string(25)
        inner = "{%s: %s, %s: %s}" % (key, inner, self.string(10),
                                      self.scalar())
      else:
        inner = "[%s, %s, %s]" % (self.scalar(), inner, self.scalar())
    return inner

  def case(self, i):
    kind = i % 4
    if kind == 0:
      return self.value(self.rnd.randint(1, 4), self.rnd.randint(2, 8))
    if kind == 1:
      n = self.rnd.randint(10, 40)
      return "[" + ", ".join(self.scalar() for _ in range(n)) + "]"
    if kind == 2:
      return self.deep(self.rnd.randint(3, 12))
    return self.value(self.rnd.randint(2, 6), self.rnd.randint(1, 4))


def as_args(text):
  """Makes text a QueryConfigValues args value that luxid refuses."""
  v = json.loads(text)
  if isinstance(v, list) and len(v) < 2:
    return "[%s, 0]" % text
  return text


def main():
  if not SOCKET:
    sys.exit("no LUXI socket: source the env.sh of a sandbox")
  gen = Gen(SEED)
  fixed = [
      '["aaaaaaaa-0000-4000-8000-00000000000a", 0,'
      ' [["bogus", ["=", "a", "b"]]], "CONTINUE", []]',
  ]
  cases = fixed + [as_args(gen.case(i)) for i in range(300)]
  out = []
  for args in cases:
    answer = json.loads(call(args))
    result = answer["result"]
    if answer["success"] or not isinstance(result, str) or \
        not result.startswith(PREFIX):
      sys.exit("unexpected answer to %s: %r" % (args, answer))
    shown = result[len(PREFIX):result.rindex("', error: ")]
    out.append({"args": args, "shown": shown})
  json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
  sys.stdout.write("\n")


if __name__ == "__main__":
  main()
