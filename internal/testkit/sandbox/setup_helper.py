"""goluxid sandbox setup helper.

Run by internal/testkit/sandbox as "/usr/bin/python3 - PYTHON_SHARE" (the
installed release's Python tree) with GANETI_ROOTDIR and GANETI_HOSTNAME
set, after config.data has been written. It uses Ganeti's own library for
the files whose format belongs to Ganeti:

  * queue/version and queue/serial (on a real node, noded creates them when
    it starts; here noded is optional),
  * the ssconf_* files derived from config.data.

Problems found by the config verifier are printed as warnings only.
"""

import sys

sys.path.insert(0, sys.argv[1])

from ganeti import config  # noqa: E402
from ganeti import jstore  # noqa: E402
from ganeti import ssconf  # noqa: E402
from ganeti import vcluster  # noqa: E402


def main():
    if not vcluster.GetVirtualHostname():
        sys.exit("GANETI_ROOTDIR and GANETI_HOSTNAME must be set")
    jstore.InitAndVerifyQueue(must_lock=True).Close()
    writer = config.ConfigWriter(offline=True)
    for problem in writer.VerifyConfig():
        print("warning: config verify: %s" % problem, file=sys.stderr)
    values = writer.GetSsconfValues()
    ssconf.WriteSsconfFiles(values)
    print("sandbox setup helper: %d ssconf files written" % len(values))


if __name__ == "__main__":
    main()
