#!/usr/bin/env bash
# A real Kubernetes control plane on loopback for Tide's end-to-end tests, as plain processes:
# etcd, kube-apiserver, kube-controller-manager (Deployments get ReplicaSets and pods; the real
# HPA controller), kube-scheduler, KWOK (a fake node: pods become Running/Ready without a kubelet,
# and it serves kubelet-shaped resource metrics from pod annotations) and metrics-server behind
# the aggregation layer (metrics.k8s.io).
#
#   cluster.sh start             build (or reuse the cached build), start everything, wait until
#                                ready; prints the kubeconfig's path as its last line
#   cluster.sh stop              stop everything (reverse order), keep the state dir's logs
#   cluster.sh restart NAME      stop and start one component (etcd, apiserver, kcm, scheduler,
#                                kwok, metrics-server), waiting until it is ready again
#   cluster.sh env               print the variables the e2e tests read (export lines)
#
#   TIDE_K8S_DIR        state dir (certificates, kubeconfig, data, logs, pids);
#                       default ${TMPDIR:-/tmp}/tide-k8s
#   TIDE_K8S_PORT_BASE  ports: etcd +379/+380, apiserver +443, kcm +257, scheduler +259,
#                       kwok +247, metrics-server +250; default 42000
# Every wait is bounded; a component that does not come up fails the script with its name and the
# tail of its log. Needs openssl and curl.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
D="${TIDE_K8S_DIR:-${TMPDIR:-/tmp}/tide-k8s}"
B="${TIDE_K8S_PORT_BASE:-42000}"
ETCD=$((B + 379)) ETCD_PEER=$((B + 380)) API=$((B + 443)) KCM=$((B + 257)) SCHED=$((B + 259))
KWOK=$((B + 247)) MS=$((B + 250))
P="$D/pki"
KC="$D/kubeconfig"

log() { echo "[k8s] $*" >&2; }
die() { echo "[k8s] ERROR: $*" >&2; exit 1; }
pid_of() { cat "$D/$1.pid" 2>/dev/null || true; }
alive() { local pid; pid=$(pid_of "$1"); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

bin_dir() { "$here/build.sh" | tail -n 1; }

# ensure_free NAME PORT...: fail when another process already listens on a port NAME needs
# (another control plane on the same TIDE_K8S_PORT_BASE would otherwise answer our probes).
ensure_free() {
  local name=$1; shift
  for port in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      die "$name: port $port is taken by another process (another control plane? set TIDE_K8S_PORT_BASE)"
    fi
  done
}

# launch NAME COMMAND...: start in its own process group, log to $D/NAME.log, record the pid.
launch() {
  local name=$1; shift
  setsid "$@" >>"$D/$name.log" 2>&1 </dev/null &
  echo $! >"$D/$name.pid"
}

# wait_for NAME SECONDS COMMAND...: poll until COMMAND succeeds; fail naming NAME.
wait_for() {
  local name=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ! alive "$name"; then
      tail -n 40 "$D/$name.log" >&2 || true
      die "$name exited during start-up (log: $D/$name.log)"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 40 "$D/$name.log" >&2 || true
      die "$name not ready after ${seconds}s (log: $D/$name.log)"
    fi
    sleep 0.3
  done
}

stop_one() {
  local name=$1 pid
  pid=$(pid_of "$name")
  [ -n "$pid" ] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  rm -f "$D/$name.pid"
}

pki() {
  [ -f "$P/admin.crt" ] && return 0
  mkdir -p "$P"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=tide-test-ca" \
    -keyout "$P/ca.key" -out "$P/ca.crt" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=tide-test-admin" \
    -keyout "$P/admin.key" -out "$P/admin.csr" 2>/dev/null
  printf '%s\n' 'basicConstraints=CA:FALSE' 'keyUsage=critical,digitalSignature,keyEncipherment' \
    'extendedKeyUsage=serverAuth,clientAuth' \
    'subjectAltName=DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:10.0.0.1' \
    >"$P/ext"
  openssl x509 -req -in "$P/admin.csr" -CA "$P/ca.crt" -CAkey "$P/ca.key" -CAcreateserial \
    -days 3650 -extfile "$P/ext" -out "$P/admin.crt" 2>/dev/null
  openssl genrsa -out "$P/sa.key" 2048 2>/dev/null
  openssl rsa -in "$P/sa.key" -pubout -out "$P/sa.pub" 2>/dev/null
  cat >"$KC" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters: [{name: tide-test, cluster: {server: "https://127.0.0.1:$API", certificate-authority: "$P/ca.crt"}}]
users: [{name: admin, user: {client-certificate: "$P/admin.crt", client-key: "$P/admin.key"}}]
contexts: [{name: tide-test, context: {cluster: tide-test, user: admin, namespace: default}}]
current-context: tide-test
KUBECONFIG
}

kubectl_() { "$BIN/kubectl" --kubeconfig "$KC" "$@"; }
api_ready() { kubectl_ get --raw /readyz; }
https_ok() { curl -fsSk --max-time 2 "$1"; }

start_etcd() {
  ensure_free etcd "$ETCD" "$ETCD_PEER"
  launch etcd "$BIN/etcd" --name=node0 --data-dir="$D/etcd" --unsafe-no-fsync=true \
    --auto-compaction-retention=1 --quota-backend-bytes=2147483648 \
    --listen-client-urls="http://127.0.0.1:$ETCD" --advertise-client-urls="http://127.0.0.1:$ETCD" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER" \
    --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER" \
    --initial-cluster="node0=http://127.0.0.1:$ETCD_PEER"
  wait_for etcd 60 sh -c "curl -fsS --max-time 2 http://127.0.0.1:$ETCD/health | grep -q '\"health\":\"true\"'"
}

start_apiserver() {
  ensure_free apiserver "$API"
  local adv=()
  # Without a default route the API server cannot pick an address to advertise (loopback is refused).
  if ! ip route show default 2>/dev/null | grep -q .; then adv=(--advertise-address=192.0.2.10); fi
  launch apiserver "$BIN/kube-apiserver" --etcd-servers="http://127.0.0.1:$ETCD" \
    --bind-address=127.0.0.1 --secure-port="$API" "${adv[@]}" \
    --tls-cert-file="$P/admin.crt" --tls-private-key-file="$P/admin.key" --client-ca-file="$P/ca.crt" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$P/sa.pub" --service-account-signing-key-file="$P/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 --authorization-mode=Node,RBAC --allow-privileged=true \
    --proxy-client-cert-file="$P/admin.crt" --proxy-client-key-file="$P/admin.key" \
    --requestheader-client-ca-file="$P/ca.crt" --requestheader-allowed-names= \
    --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --enable-priority-and-fairness=false --max-requests-inflight=0 --max-mutating-requests-inflight=0
  wait_for apiserver 120 api_ready
}

start_kcm() {
  ensure_free kcm "$KCM"
  launch kcm "$BIN/kube-controller-manager" --kubeconfig="$KC" --leader-elect=false \
    --controllers='*' --bind-address=127.0.0.1 --secure-port="$KCM" \
    --authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics \
    --root-ca-file="$P/ca.crt" --service-account-private-key-file="$P/sa.key" \
    --kube-api-qps=100 --kube-api-burst=200 --concurrent-deployment-syncs=10 \
    --concurrent-replicaset-syncs=10 --horizontal-pod-autoscaler-sync-period=15s
  wait_for kcm 60 https_ok "https://127.0.0.1:$KCM/healthz"
}

start_scheduler() {
  ensure_free scheduler "$SCHED"
  launch scheduler "$BIN/kube-scheduler" --kubeconfig="$KC" --leader-elect=false \
    --bind-address=127.0.0.1 --secure-port="$SCHED" \
    --authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics \
    --kube-api-qps=100 --kube-api-burst=200
  wait_for scheduler 60 https_ok "https://127.0.0.1:$SCHED/healthz"
}

start_kwok() {
  ensure_free kwok "$KWOK"
  launch kwok "$BIN/kwok" --kubeconfig="$KC" --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --node-name=localhost --node-port="$KWOK" --server-address="127.0.0.1:$KWOK" \
    --tls-cert-file="$P/admin.crt" --tls-private-key-file="$P/admin.key" \
    --node-lease-duration-seconds=40 --config="$BIN/kwok-metrics.yaml"
  wait_for kwok 60 https_ok "https://127.0.0.1:$KWOK/healthz"
}

start_metrics_server() {
  ensure_free metrics-server "$MS"
  launch metrics-server "$BIN/metrics-server" --kubeconfig="$KC" \
    --authentication-kubeconfig="$KC" --authorization-kubeconfig="$KC" \
    --bind-address=127.0.0.1 --secure-port="$MS" \
    --tls-cert-file="$P/admin.crt" --tls-private-key-file="$P/admin.key" \
    --kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname \
    --kubelet-use-node-status-port --kubelet-insecure-tls --metric-resolution=15s
  # /readyz waits for a first scrape with pods in it; tests wait for the metrics they need.
  wait_for metrics-server 90 https_ok "https://127.0.0.1:$MS/livez"
}

# Cluster objects every test shares: the fake node, and metrics.k8s.io through the aggregation layer.
objects() {
  wait_for kcm 60 kubectl_ -n default get serviceaccount default
  kubectl_ apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-0
  annotations:
    kwok.x-k8s.io/node: fake
    metrics.k8s.io/resource-metrics-path: /metrics/nodes/kwok-node-0/metrics/resource
  labels: {type: kwok, kubernetes.io/hostname: kwok-node-0}
status:
  allocatable: {cpu: "1000", memory: 1Ti, pods: "5000"}
  capacity: {cpu: "1000", memory: 1Ti, pods: "5000"}
---
apiVersion: v1
kind: Service
metadata: {name: metrics-server, namespace: kube-system}
spec:
  type: ExternalName
  externalName: localhost
  ports: [{name: https, port: $MS, targetPort: $MS}]
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.metrics.k8s.io}
spec:
  group: metrics.k8s.io
  version: v1beta1
  groupPriorityMinimum: 100
  versionPriority: 100
  insecureSkipTLSVerify: true
  service: {name: metrics-server, namespace: kube-system, port: $MS}
YAML
  wait_for kwok 60 kubectl_ wait --for=condition=Ready node/kwok-node-0 --timeout=5s
}

env_lines() {
  echo "export TIDE_TEST_KUBECONFIG=$KC"
  echo "export TIDE_TEST_K8S_BIN=$BIN"
  echo "export TIDE_TEST_K8S_DIR=$D"
  echo "export TIDE_TEST_K8S_SCRIPT=$here/cluster.sh"
}

start_component() {
  case $1 in
    etcd) start_etcd ;;
    apiserver) start_apiserver ;;
    kcm) start_kcm ;;
    scheduler) start_scheduler ;;
    kwok) start_kwok ;;
    metrics-server) start_metrics_server ;;
    *) die "unknown component $1 (etcd, apiserver, kcm, scheduler, kwok, metrics-server)" ;;
  esac
}

components=(etcd apiserver kcm scheduler kwok metrics-server)

case "${1:-}" in
  start)
    command -v openssl >/dev/null || die "openssl not found (apt-get install openssl)"
    command -v curl >/dev/null || die "curl not found (apt-get install curl)"
    BIN=$(bin_dir)
    mkdir -p "$D"
    started=$SECONDS
    pki
    for c in "${components[@]}"; do
      if alive "$c"; then continue; fi
      t0=$SECONDS
      start_component "$c"
      log "$c ready ($((SECONDS - t0))s)"
      [ "$c" = kwok ] && objects
    done
    env_lines >"$D/env"
    log "control plane ready in $((SECONDS - started))s (state: $D)"
    echo "$KC"
    ;;
  stop)
    for ((i = ${#components[@]} - 1; i >= 0; i--)); do stop_one "${components[$i]}"; done
    log "stopped (logs kept in $D)"
    ;;
  restart)
    [ -n "${2:-}" ] || die "usage: cluster.sh restart COMPONENT"
    BIN=$(bin_dir)
    stop_one "$2"
    t0=$SECONDS
    start_component "$2"
    log "$2 restarted ($((SECONDS - t0))s)"
    ;;
  env)
    BIN=$(bin_dir)
    env_lines
    ;;
  *)
    echo "usage: cluster.sh start | stop | restart COMPONENT | env" >&2
    exit 2
    ;;
esac
