-- name: listen_namespaces
-- question: Which namespaces listen on which address and port?
-- params: $host VARCHAR
-- reads: sockets
-- returns: one row per host, netns, local_addr, local_port of a LISTEN socket
SELECT DISTINCT host, netns, local_addr, local_port FROM sockets WHERE state = 'LISTEN' AND ($host::VARCHAR IS NULL OR host = $host::VARCHAR);
