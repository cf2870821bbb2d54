#!/bin/bash
# Container health check for the hosts' probes without curl (the runtime image has none): GET a path on a loopback
# port; healthy only on a 200. Usage: probe.sh PORT [PATH], PATH defaults to /health/ready.
port=${1:?port}
path=${2:-/health/ready}
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$path" >&3
read -r -t 5 status <&3 || exit 1
[[ $status == *" 200 "* ]]
