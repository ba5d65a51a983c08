#!/usr/bin/env bash
# A real standalone Flink session cluster on this machine, from Flink's Maven artifacts:
# JobManager and TaskManager as separate JVM processes, each started like Flink's own
# jobmanager.sh / taskmanager.sh (memory settings from BashJavaUtils), plus job submission
# with Flink's CLI front end. Called by ./sparseseg:
#   ./sparseseg cluster start|stop|status
#   ./sparseseg cluster cancel JOB_ID
#   ./sparseseg submit [run options...]        # = flink run -d sparseseg-job.jar run [options...]
# Settings (environment): SPARSESEG_CLUSTER_DIR (default out/cluster), SPARSESEG_REST_PORT (8081),
# SPARSESEG_RPC_PORT (6123), SPARSESEG_TM_SLOTS (4), SPARSESEG_TM_MEMORY (3072m),
# SPARSESEG_TM_GPUS (0; > 0 declares external resource "gpu" for --refine-gpus slots).
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
    -cp "$(classpath)" "$main" --configDir "$conf" $dyn > "$dir/log/$name.out" 2>&1 &
  echo $! > "$dir/$name.pid"
}

running() {
  [ -f "$dir/$1.pid" ] && kill -0 "$(cat "$dir/$1.pid")" 2>/dev/null
}

overview() {
  curl -fsS "http://localhost:$rest_port/overview" 2>/dev/null
}

cmd_start() {
  [ -d "$target/flink-lib" ] || { echo "sparseseg cluster: build first (mvn -DskipTests package)" >&2; exit 1; }
  if running jobmanager || running taskmanager; then
    echo "sparseseg cluster: already running ($dir)"; cmd_status; return
  fi
  write_conf
  start_process jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
    "$(resource_params GET_JM_RESOURCE_PARAMS)"
  start_process taskmanager org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    "$(resource_params GET_TM_RESOURCE_PARAMS)"
  local i
  for i in $(seq 1 120); do
    if overview | grep -q "\"taskmanagers\":[1-9]"; then
      echo "Flink session cluster up: web UI and REST at http://localhost:$rest_port (JobManager pid $(cat "$dir/jobmanager.pid"), TaskManager pid $(cat "$dir/taskmanager.pid"))"
      echo "logs: $dir/log"
      return
    fi
    running jobmanager && running taskmanager || break
    sleep 1
  done
  echo "sparseseg cluster: did not come up; see $dir/log" >&2
  tail -n 20 "$dir/log/jobmanager.out" "$dir/log/taskmanager.out" >&2 || true
  cmd_stop
  exit 1
}

cmd_stop() {
  local p pid
  for p in taskmanager jobmanager; do
    if running "$p"; then
      pid="$(cat "$dir/$p.pid")"
      kill "$pid"
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      kill -9 "$pid" 2>/dev/null || true
      echo "stopped $p ($pid)"
    fi
    rm -f "$dir/$p.pid"
  done
}

cmd_status() {
  local p
  for p in jobmanager taskmanager; do
    if running "$p"; then echo "$p: running (pid $(cat "$dir/$p.pid"))"; else echo "$p: not running"; fi
  done
  if overview; then echo; else echo "REST http://localhost:$rest_port: not answering"; return 1; fi
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
  cancel) shift; flink_cli cancel -m "localhost:$rest_port" "$@" ;;
  submit)
    shift
    [ -f "$job_jar" ] || { echo "sparseseg submit: $job_jar missing; build with mvn -DskipTests package" >&2; exit 1; }
    flink_cli run -m "localhost:$rest_port" -d "$job_jar" run "$@" ;;
  *) echo "usage: ./sparseseg cluster start|stop|status|cancel JOB_ID; ./sparseseg submit [run options]" >&2; exit 2 ;;
esac
