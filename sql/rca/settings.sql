-- name: settings
-- question: Which settings that the advice depends on does each host and namespace have?
-- params:
-- reads: sysctl_values
-- returns: one row per host, netns and setting: name, value
SELECT host, netns, name, value FROM sysctl_values
WHERE name IN ('net.ipv4.tcp_tw_reuse', 'net.ipv4.tcp_tw_recycle', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_timestamps', 'net.ipv4.tcp_fin_timeout', 'net.core.somaxconn', 'net.ipv4.tcp_max_syn_backlog', 'net.ipv4.tcp_syncookies');
