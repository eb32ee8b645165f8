// Package rpc is luxid's client of the node daemons (ganeti-noded): one
// procedure called on many nodes at once over HTTPS, as Ganeti's Haskell
// daemons do it.
//
// # Transport
//
// A call is an HTTP POST of a JSON body to
// https://<primary_ip>:<port>/<procedure> (an IPv6 address in brackets),
// the port being the "ganeti-noded" tcp entry of /etc/services, else 1811.
// The client presents the certificate and key of var/lib/ganeti/client.pem
// (server.pem when client.pem does not exist) and trusts the cluster
// certificate server.pem: the node's certificate must chain to it, but its
// host name is not checked. Both files are read again when they change, so
// a renewed cluster certificate is picked up without a restart. Connecting,
// TLS handshake included, may take 5 seconds; the whole request is bounded
// by the procedure's timeout (Timeout). Every node of a call is contacted
// in parallel, at most MaxParallel at a time, on a fresh connection, and
// the call returns when all have answered or failed.
//
// The answer body is the JSON pair [true, payload] or [false, message];
// the HTTP status is not looked at. Anything else, and any connection,
// TLS or HTTP failure, is that node's error. Nodes marked offline are not
// contacted (ErrOffline) unless the procedure accepts offline nodes
// ("version", "master_node_name").
//
// # Bodies
//
// A body is written as compact JSON without HTML escaping. The helpers
// build the bodies of the calls luxid makes: jobqueue_update sends
// [path, [encoding, data]] where data is the text itself (encoding 0) when
// shorter than 4096 bytes and base64 of its zlib compression (encoding 1)
// otherwise, and path is virtual in a virtual cluster
// ("/###-VIRTUAL-PATH-###," followed by the path below GANETI_ROOTDIR);
// jobqueue_rename sends [[[old, new], …]] with paths virtual in the same
// way (the Haskell luxid sends plain paths, which a virtual cluster's noded
// rejects; outside one both are the same); jobqueue_set_drain_flag [flag];
// set_watcher_pause [until] or [null]; node_activate_master_ip
// [{uuid, ip, netmask, netdev, ip_family}, use_external_mip_script];
// master_node_name, version [].
package rpc
