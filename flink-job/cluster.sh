#!/usr/bin/env bash
# A real standalone Flink session cluster on this machine, from Flink's Maven artifacts:
# JobManager and TaskManagers as separate JVM processes, each started like Flink's own
# jobmanager.sh / taskmanager.sh (memory settings from BashJavaUtils), plus job submission
# with Flink's CLI front end. Called by ./sparseseg:
#   ./sparseseg cluster start|stop|status
#   ./sparseseg cluster add-taskmanager          # one more supervised TaskManager
#   ./sparseseg cluster cancel JOB_ID
#   ./sparseseg cluster stop-job JOB_ID [DIR]    # = flink stop -p DIR: savepoint, then stop; prints its path
#   ./sparseseg submit [--from-savepoint PATH] [run options...]
#                                                # = flink run -d [-s PATH] sparseseg-job.jar run [options...]
# Each TaskManager runs under a supervisor (this script, "supervise N") that starts it again
# when it dies (kill -9, out of memory), after 1 s, or after 2, 4, 8, 16 s when it keeps dying
# within SPARSESEG_TM_MIN_UPTIME seconds of its start; after SPARSESEG_TM_MAX_QUICK_DEATHS such
# deaths in a row it gives up and says so in log/taskmanager-N.supervisor.log and `status`.
# Settings (environment): SPARSESEG_CLUSTER_DIR (default out/cluster), SPARSESEG_REST_PORT (8081),
# SPARSESEG_RPC_PORT (6123), SPARSESEG_TM_SLOTS (4), SPARSESEG_TM_MEMORY (3072m),
# SPARSESEG_TM_GPUS (0; > 0 declares external resource "gpu" for --refine-gpus slots),
# SPARSESEG_TM_MIN_UPTIME (60), SPARSESEG_TM_MAX_QUICK_DEATHS (5).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$here/flink-job/target"
job_jar="$target/sparseseg-job.jar"
dir="${SPARSESEG_CLUSTER_DIR:-$here/out/cluster}"
rest_port="${SPARSESEG_REST_PORT:-8081}"
rpc_port="${SPARSESEG_RPC_PORT:-6123}"
slots="${SPARSESEG_TM_SLOTS:-4}"
tm_memory="${SPARSESEG_TM_MEMORY:-3072m}"
tm_gpus="${SPARSESEG_TM_GPUS:-0}"
min_uptime="${SPARSESEG_TM_MIN_UPTIME:-60}"
max_quick_deaths="${SPARSESEG_TM_MAX_QUICK_DEATHS:-5}"
conf="$dir/conf"

# The cluster's lib/ (flink-job/target/flink-lib, built by mvn package): Flink and its
# logging, plus ONNX Runtime and JavaCV/FFmpeg, which load JNI libraries once per JVM and so
# must come from the parent class loader. Nothing the job jar brings.
classpath() {
  echo "$target/flink-lib/*"
}

# Java 17 needs these for Flink's reflection (as in Flink's own config.yaml, env.java.opts.all).
jvm_opens="--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
 --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
 --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
 --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
 --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
 --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
 --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"

write_conf() {
  mkdir -p "$conf" "$dir/log"
  cat > "$conf/config.yaml" <<YAML
# Written by ./sparseseg cluster start; the same keys go into docker/ (flink-conf).
jobmanager.rpc.address: localhost
jobmanager.rpc.port: $rpc_port
jobmanager.bind-host: localhost
jobmanager.memory.process.size: 1024m
taskmanager.host: localhost
taskmanager.bind-host: localhost
taskmanager.numberOfTaskSlots: $slots
taskmanager.memory.process.size: $tm_memory
parallelism.default: 1
rest.address: localhost
rest.bind-address: localhost
rest.port: $rest_port
# ONNX Runtime and JavaCV load native libraries once per JVM: load them from lib/ (parent
# first), so a cancelled and resubmitted job, or two jobs on one TaskManager, share them.
classloader.parent-first-patterns.additional: ai.onnxruntime.;org.bytedeco.
# A killed TaskManager's connection fails at once, but the JobManager notices at its next two
# heartbeats: every 2 s instead of 10 s, so the job restarts about 4 s after a kill -9, not 20 s.
# (A TaskManager that stops answering without its connection failing still has heartbeat.timeout, 50 s.)
heartbeat.interval: 2000
# Checkpoints and savepoints as files (stop-job writes its savepoint here unless given a folder).
execution.checkpointing.dir: file://$dir/checkpoints
execution.checkpointing.savepoint-dir: file://$dir/savepoints
# Metrics: Flink's Prometheus reporter, one port per process from Flink's conventional range
# (the JobManager starts first and takes 9249, TaskManagers the next free ones; status lists them).
metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
metrics.reporter.prom.port: 9249-9260
# Memory: none managed (the job keeps no RocksDB state and runs no batch operators). ONNX
# Runtime's input and output buffers are direct memory, which Flink caps: about 125 MB per slot
# for a 3840x2160 frame (900 MB for 7680x4320), so 256 MB of task off-heap memory per slot.
taskmanager.memory.managed.size: 0m
taskmanager.memory.task.off-heap.size: $((256 * slots))m
YAML
  if [ "$tm_gpus" != "0" ]; then
    # What a GPU TaskManager declares: slots requesting "gpu" (--refine-gpus) are placed here only.
    printf 'external-resources: gpu\nexternal-resource.gpu.amount: %s\n' "$tm_gpus" >> "$conf/config.yaml"
  fi
  cat > "$conf/log4j.properties" <<'LOG'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
appender.main.name = MainAppender
appender.main.type = File
appender.main.fileName = ${sys:log.file}
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
LOG
  cp "$conf/log4j.properties" "$conf/log4j-cli.properties"
}

# BashJavaUtils prints the JVM memory flags and dynamic properties Flink's scripts pass.
resource_params() {
  local out
  out="$(java -cp "$(classpath)" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$conf" 2>/dev/null \
    | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://')"
  if [ -z "$out" ]; then
    echo "sparseseg cluster: cannot compute memory settings ($1) from $conf/config.yaml" >&2
    exit 1
  fi
  echo "$out"
}

start_process() {
  local name="$1" main="$2" params="$3" jvm dyn
  jvm="$(echo "$params" | sed -n 1p)"
  dyn="$(echo "$params" | sed -n 2p)"
  # shellcheck disable=SC2086
  nohup java $jvm $jvm_opens -Dlog.file="$dir/log/$name.log" -Dlog4j.configurationFile="file:$conf/log4j.properties" \
    -cp "$(classpath)" "$main" --configDir "$conf" $dyn >> "$dir/log/$name.out" 2>&1 < /dev/null &
  echo $! > "$dir/$name.pid"
}

running() {
  [ -f "$dir/$1.pid" ] && kill -0 "$(cat "$dir/$1.pid")" 2>/dev/null
}

overview() {
  curl -fsS "http://localhost:$rest_port/overview" 2>/dev/null
}

taskmanagers() {
  local f
  for f in "$dir"/taskmanager-*.supervisor.pid; do
    [ -e "$f" ] || continue
    f="${f##*/}"
    echo "${f%.supervisor.pid}"
  done
}

registered_taskmanagers() {
  overview | sed -n 's/.*"taskmanagers":\([0-9]*\).*/\1/p'
}

# The supervisor of TaskManager N: starts it, waits for it, starts it again when it dies.
cmd_supervise() {
  local name="taskmanager-$1" params pid rc started ran quick=0 delay
  params="$(resource_params GET_TM_RESOURCE_PARAMS)"
  while true; do
    started=$(date +%s)
    start_process "$name" org.apache.flink.runtime.taskexecutor.TaskManagerRunner "$params"
    pid="$(cat "$dir/$name.pid")"
    echo "$(date '+%F %T') started $name (pid $pid)"
    rc=0
    wait "$pid" || rc=$?
    ran=$(( $(date +%s) - started ))
    if [ "$ran" -lt "$min_uptime" ]; then quick=$((quick + 1)); else quick=0; fi
    if [ "$quick" -ge "$max_quick_deaths" ]; then
      echo "$(date '+%F %T') $name (pid $pid) exited with status $rc after $ran s: $quick deaths within $min_uptime s of starting in a row, giving up (see $dir/log/$name.out)"
      echo "$quick deaths in a row within $min_uptime s of starting, last status $rc" > "$dir/$name.gave-up"
      rm -f "$dir/$name.pid"
      exit 1
    fi
    delay=1
    [ "$quick" -gt 0 ] && delay=$(( 1 << quick ))
    echo "$(date '+%F %T') $name (pid $pid) exited with status $rc after $ran s; starting it again in $delay s"
    sleep "$delay"
  done
}

# Starts TaskManager N under its supervisor; returns at once.
start_taskmanager() {
  local name="taskmanager-$1"
  rm -f "$dir/$name.gave-up" "$dir/$name.pid"
  nohup "$here/flink-job/cluster.sh" supervise "$1" >> "$dir/log/$name.supervisor.log" 2>&1 < /dev/null &
  echo $! > "$dir/$name.supervisor.pid"
}

# Waits until the JobManager counts $1 TaskManagers.
await_taskmanagers() {
  local i
  for i in $(seq 1 120); do
    if [ "$(registered_taskmanagers)" -ge "$1" ] 2>/dev/null; then return 0; fi
    running jobmanager || return 1
    sleep 1
  done
  return 1
}

cmd_start() {
  [ -d "$target/flink-lib" ] || { echo "sparseseg cluster: build first (mvn -DskipTests package)" >&2; exit 1; }
  local tm
  if running jobmanager; then
    echo "sparseseg cluster: already running ($dir)"; cmd_status; return
  fi
  for tm in $(taskmanagers); do
    if running "$tm.supervisor" || running "$tm"; then
      echo "sparseseg cluster: $tm still running without a JobManager ($dir); ./sparseseg cluster stop first" >&2; exit 1
    fi
  done
  cmd_stop > /dev/null   # what a crashed cluster left: pid files
  write_conf
  start_process jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
    "$(resource_params GET_JM_RESOURCE_PARAMS)"
  start_taskmanager 1
  if await_taskmanagers 1; then
    echo "Flink session cluster up: web UI and REST at http://localhost:$rest_port (JobManager pid $(cat "$dir/jobmanager.pid"), TaskManager pid $(cat "$dir/taskmanager-1.pid"), supervised)"
    metrics_ports
    echo "logs: $dir/log"
    return
  fi
  echo "sparseseg cluster: did not come up; see $dir/log" >&2
  tail -n 20 "$dir/log/jobmanager.out" "$dir/log/taskmanager-1.out" "$dir/log/taskmanager-1.supervisor.log" >&2 || true
  cmd_stop
  exit 1
}

cmd_add_taskmanager() {
  running jobmanager || { echo "sparseseg cluster: not running; start it first" >&2; exit 1; }
  local n=1 before
  while [ -e "$dir/taskmanager-$n.supervisor.pid" ]; do n=$((n + 1)); done
  before="$(registered_taskmanagers)"
  start_taskmanager "$n"
  if await_taskmanagers $(( ${before:-0} + 1 )); then
    echo "taskmanager-$n up (pid $(cat "$dir/taskmanager-$n.pid"), supervised); $(( ${before:-0} + 1 )) TaskManagers registered"
  else
    echo "sparseseg cluster: taskmanager-$n did not register; see $dir/log/taskmanager-$n.out" >&2
    exit 1
  fi
}

stop_pid() {
  local pid="$1"
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || return 0; sleep 1; done
  kill -9 "$pid" 2>/dev/null || true
}

cmd_stop() {
  local tm
  # Supervisors first, so that none starts its TaskManager again.
  for tm in $(taskmanagers); do
    if running "$tm.supervisor"; then stop_pid "$(cat "$dir/$tm.supervisor.pid")"; fi
    if running "$tm"; then stop_pid "$(cat "$dir/$tm.pid")"; echo "stopped $tm ($(cat "$dir/$tm.pid"))"; fi
    rm -f "$dir/$tm.supervisor.pid" "$dir/$tm.pid" "$dir/$tm.gave-up"
  done
  # An unsupervised TaskManager of an earlier cluster.sh.
  if running taskmanager; then stop_pid "$(cat "$dir/taskmanager.pid")"; echo "stopped taskmanager ($(cat "$dir/taskmanager.pid"))"; fi
  if running jobmanager; then stop_pid "$(cat "$dir/jobmanager.pid")"; echo "stopped jobmanager ($(cat "$dir/jobmanager.pid"))"; fi
  rm -f "$dir/jobmanager.pid" "$dir/taskmanager.pid"
}

cmd_status() {
  local tm
  if running jobmanager; then echo "jobmanager: running (pid $(cat "$dir/jobmanager.pid"))"; else echo "jobmanager: not running"; fi
  for tm in $(taskmanagers); do
    if running "$tm"; then echo "$tm: running (pid $(cat "$dir/$tm.pid"), supervised)"
    elif [ -f "$dir/$tm.gave-up" ]; then echo "$tm: not running, supervisor gave up: $(cat "$dir/$tm.gave-up")"
    elif running "$tm.supervisor"; then echo "$tm: restarting (supervisor pid $(cat "$dir/$tm.supervisor.pid"))"
    else echo "$tm: not running"; fi
  done
  metrics_ports
  if overview; then echo; else echo "REST http://localhost:$rest_port: not answering"; return 1; fi
}

# Where each process's Prometheus reporter listens, from its log.
metrics_ports() {
  local log port
  for log in "$dir"/log/jobmanager.log "$dir"/log/taskmanager-*.log; do
    [ -f "$log" ] || continue
    port="$(sed -n 's/.*Started PrometheusReporter HTTP server on port \([0-9]*\).*/\1/p' "$log" | tail -n 1)"
    [ -n "$port" ] && echo "metrics: $(basename "$log" .log) http://localhost:$port/metrics"
  done
  return 0
}

# flink stop: a savepoint, then the job stops (its Kafka transactions committed). Prints the path.
cmd_stop_job() {
  [ $# -ge 1 ] || { echo "usage: ./sparseseg cluster stop-job JOB_ID [SAVEPOINT_DIR]" >&2; exit 2; }
  local out path
  out="$(flink_cli stop -m "localhost:$rest_port" -p "${2:-file://$dir/savepoints}" "$1")" || { echo "$out" >&2; exit 1; }
  echo "$out"
  path="$(echo "$out" | sed -n 's/^Savepoint completed\. Path: //p')"
  [ -n "$path" ] || { echo "sparseseg cluster: no savepoint path in flink stop's output" >&2; exit 1; }
  echo "savepoint: $path"
  echo "resume with: ./sparseseg submit --from-savepoint $path [the job's run options]"
}

# Flink's own CLI front end (flink-clients), as `flink run` / `flink cancel` would run it.
flink_cli() {
  [ -f "$conf/config.yaml" ] || write_conf
  FLINK_CONF_DIR="$conf" java $jvm_opens -Dlog.file="$dir/log/client.log" \
    -Dlog4j.configurationFile="file:$conf/log4j-cli.properties" -cp "$(classpath)" org.apache.flink.client.cli.CliFrontend "$@"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  add-taskmanager) cmd_add_taskmanager ;;
  supervise) cmd_supervise "$2" ;;
  cancel) shift; flink_cli cancel -m "localhost:$rest_port" "$@" ;;
  stop-job) shift; cmd_stop_job "$@" ;;
  submit)
    shift
    [ -f "$job_jar" ] || { echo "sparseseg submit: $job_jar missing; build with mvn -DskipTests package" >&2; exit 1; }
    # --from-savepoint PATH is Flink's (run -s PATH), the rest the job's.
    run_args=(); from=()
    while [ $# -gt 0 ]; do
      case "$1" in
        --from-savepoint) [ $# -ge 2 ] || { echo "sparseseg submit: --from-savepoint needs a PATH" >&2; exit 2; }
          from=(-s "$2"); shift 2 ;;
        --from-savepoint=*) from=(-s "${1#*=}"); shift ;;
        *) run_args+=("$1"); shift ;;
      esac
    done
    flink_cli run -m "localhost:$rest_port" -d ${from[@]+"${from[@]}"} "$job_jar" run ${run_args[@]+"${run_args[@]}"} ;;
  *) echo "usage: ./sparseseg cluster start|stop|status|add-taskmanager|cancel JOB_ID|stop-job JOB_ID [DIR];" \
       "./sparseseg submit [--from-savepoint PATH] [run options]" >&2; exit 2 ;;
esac
