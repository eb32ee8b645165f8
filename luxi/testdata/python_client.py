"""Drives a LUXI server with an installed Ganeti's own Python client.

Usage: python3 python_client.py SOCKET PYTHONDIR, where PYTHONDIR holds
the release's package "ganeti" (/usr/share/ganeti/3.0). Prints what each
call returned or raised as one JSON object; python_test.go compares it.
"""

import json
import sys

sys.path.insert(0, sys.argv[2])

from ganeti import errors  # noqa: E402
from ganeti import luxi  # noqa: E402
from ganeti.rpc import errors as rpcerr  # noqa: E402


def outcome(call):
    try:
        return {"result": call()}
    except (errors.GenericError, rpcerr.LuxiError) as err:
        return {"raised": type(err).__name__, "args": list(err.args)}


def main():
    client = luxi.Client(address=sys.argv[1])
    print(json.dumps({
        "echo": outcome(lambda: client.CallMethod(
            "QueryClusterInfo", ["\u00e9\u2713", "<&>", 1.5])),
        "exception": outcome(lambda: client.PickupJob(1)),
        "bad_arguments": outcome(lambda: client.SetQueueDrainFlag(1)),
        "after_reconnect": outcome(lambda: client.SetQueueDrainFlag(True)),
        "panic": outcome(lambda: client.CancelJob(1)),
    }, sort_keys=True))


main()
