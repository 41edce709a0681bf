#!/usr/bin/env bash
# The offline suites (tests/unit and tests/functional -m "not live") once per
# Pacemaker generation, with that generation's own tools: each lab image
# (LAB_SUITE=bullseye: Pacemaker 2.0.5 / pcs 0.10 / booth 1.0;
# trixie: 3.0 / 0.12 / 1.2) runs as a plain container, and a directory
# of wrappers puts its cibadmin, crm_*, pcs and booth first on PATH.
# Test fixtures are made with the same tools: a CIB written by a newer
# cibadmin names a schema an older Pacemaker refuses.
# The modules' interpreter and the controller are paired with the generation
# so that each end of each axis is met once (docs/compatibility.md): trixie's
# modules run inside its container (its python3, 3.13, and lxml) under the
# newest ansible-core; bullseye's, the oldest Pacemaker, run under the oldest
# controller, ansible-core 2.16, with Python 3.6 and lxml 4.9 as on RHEL 8
# (scripts/compat.sh's venvs, on this host; until session 25 a step of its
# own, a whole functional suite more on the host's Pacemaker).
# The fresh-machine step covers the host's generation (bookworm: 2.1.5 / 0.11,
# Python 3.11).
# Usage: scripts/generations.sh [SUITE...] [-- PYTEST_ARGS...]   (default: bullseye trixie)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$root/.venv/bin:$PATH"
suites=(); while (($#)) && [[ $1 != -- ]]; do suites+=("$1"); shift; done
(($#)) && shift  # the rest goes to pytest, e.g. -- -k preview
((${#suites[@]})) || suites=(bullseye trixie)
pytest_args=("$@")
tools=(cibadmin crm_attribute crm_diff crm_mon crm_node crm_resource crm_shadow
       crm_simulate crm_ticket crm_verify crmadmin iso8601 pacemakerd pcs booth boothd)
mkdir -p "$HOME/.ansible"
logs=$root/.build/generations
mkdir -p "$logs"
run_suite() {
  local suite=$1
  (
    export LAB_SUITE=$suite
    source lab/lib.sh
    bash lab/build-images.sh node
    image=$(lab_image node)
    ctr=hacluster-gen-$suite
    podman rm -f -t 0 "$ctr" >/dev/null 2>&1 || true
    # The paths tests and Ansible hand to the tools, at the same place inside:
    # pytest's and Ansible's temp dirs under /tmp, ~/.ansible, the checkout.
    podman run -d --rm --name "$ctr" --network none --entrypoint sleep \
      -v /tmp:/tmp -v "$HOME/.ansible:$HOME/.ansible" -v "$root:$root:ro" \
      --label hacluster-generations=1 "$image" infinity >/dev/null
    trap 'podman rm -f -t 0 "$ctr" >/dev/null 2>&1 || true' EXIT
    bin=$root/.build/generations/$suite/bin
    rm -rf "$bin" && mkdir -p "$bin"
    # nsenter into the container's mount namespace: its files, our process
    # (environment, stdin, exit code as they are), ~5 ms instead of podman
    # exec's ~200 ms per call. PATH is the container's, so that the wrapper
    # (visible inside through the checkout) does not find itself.
    pid=$(podman inspect -f '{{.State.Pid}}' "$ctr")
    # shellcheck disable=SC2016  # expanded when a wrapper runs
    body='case $PWD in /tmp*|"$HOME"/.ansible*|'"$root"'*) wd=$PWD ;; *) wd=/ ;; esac
exec nsenter --target '"$pid"' --mount --wd="$wd" -- \
  env -u PCMK_schema_directory PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  "$(basename "$0")" "$@"'
    # The modules' interpreter: bullseye's is the oldest one (scripts/compat.sh's
    # venvs, made from this host's python3 before the wrappers go on PATH);
    # trixie's is its own, a wrapper like the tools'. Only that one is on PATH:
    # a python3 of another kind there would mix two interpreters in one run.
    if [[ $suite == bullseye ]]; then
      # shellcheck source=/dev/null  # (it returns when sourced; exit is for a run of its own)
      source scripts/compat.sh
      compat_prepare
      interpreter=()
    else
      interpreter=(python3)
      lab_zipcodecache "$ctr"
    fi
    # a wrapper for each tool this image has (one exec asks for all of them)
    # shellcheck disable=SC2016  # expanded inside the container
    for t in $(podman exec "$ctr" sh -c 'for t; do command -v "$t" >/dev/null && echo "$t"; done' \
                 sh "${tools[@]}" "${interpreter[@]}"); do
      printf '#!/usr/bin/env bash\n%s\n' "$body" > "$bin/$t"
      chmod +x "$bin/$t"
    done
    echo "generations: $suite: $(podman exec "$ctr" sh -c 'cibadmin --version | head -n1; echo pcs $(pcs --version)')" \
         "$(podman exec "$ctr" dpkg-query -W -f='booth ${Version}' booth)" \
         | tr '\n' ' '
    echo
    export PATH="$bin:$PATH"
    if ((${#interpreter[@]})); then
      export HACLUSTER_TEST_MODULE_PYTHON=$bin/python3
      echo "generations: $suite: modules on its $("$bin/python3" --version)," \
           "lxml $("$bin/python3" -c 'import lxml.etree as e; print(e.__version__)')"
    fi
    # the engine in this (host) Python validates with that Pacemaker's schemas,
    # as its own tools would (the wrappers unset it again for the tools)
    export PCMK_schema_directory=/proc/$pid/root/usr/share/pacemaker
    # test_role_ticket_spec reads role files only: it touches no Pacemaker tool
    prc=0
    pytest tests/unit tests/functional -m "not live and not host" -p no:cacheprovider \
      --basetemp="/tmp/hacluster-gen-$suite" \
      --deselect tests/unit/test_role_ticket_spec.py "${pytest_args[@]}" || prc=$?
    ((prc == 5)) && echo "generations: $suite: pytest collected no tests" >&2
    exit $prc
  )
}
# the suites side by side (they mostly wait on ansible-playbook), each into
# its own log, printed when all are done
pids=()
for suite in "${suites[@]}"; do
  run_suite "$suite" > "$logs/$suite.log" 2>&1 &
  pids+=($!)
done
rc=0
for i in "${!suites[@]}"; do
  src=0; wait "${pids[$i]}" || src=$?
  echo "=== generations: ${suites[$i]}: exit $src"
  cat "$logs/${suites[$i]}.log"
  ((src == 0)) || { echo "generations: ${suites[$i]}: FAILED" >&2; rc=1; }
done
exit $rc
