#!/bin/sh
# Starts the gridqueue CLI: the subcommand and its flags are the container args.
set -eu
# No globbing: jvm.flags and JAVA_OPTS are split on whitespace on purpose, but a
# '*' in them must reach java as is.
set -f
# exec: java becomes PID 1 and gets SIGTERM directly, so Ignite's shutdown hook
# can leave the topology cleanly when Kubernetes stops the pod.
exec java $(cat /opt/gridqueue/jvm.flags) ${JAVA_OPTS:-} \
  -cp '/opt/gridqueue/gridqueue-cli.jar:/opt/gridqueue/lib/*' \
  dev.gridqueue.cli.Main "$@"
