"""Print what failed in the lab runs, one line each, so that the end of a CI
log says it (CI keeps only the tail; the whole logs are in .build/lab-logs).

Arguments: the runs' logs (.build/lab-logs/RUN.log). For a run whose tests
ran, the tests that failed or errored in its junit report (RUN.xml), with the
first line of the message; for a run that failed before its tests (its lab
did not come up: no report), what lab/up.sh said went wrong, or else the last
task that failed (in converge or idempotence)."""

import os
import re
import sys
import xml.etree.ElementTree as ET

# lab/lib.sh's say and die, and wait_for's timeouts, as molecule prints the
# failed command (often inside the task's JSON result, where a newline is \n)
LAB_SAID = re.compile(
    r"lab: (?:ERROR: )?[^\"\\\n]*?(?:ERROR|timeout|failed|did not|not online|not active|could not)[^\"\\\n]*"
)

# Ansible's report of a failed task (fatal: [host]: FAILED! => {...})
FATAL = re.compile(r"fatal: \[[^\]]*\]: [A-Z]+! => .*")


def failed_tests(report):
    try:
        cases = ET.parse(report).getroot().iter("testcase")
    except (OSError, ET.ParseError) as e:
        print(f"{report}: unreadable ({e})")
        return
    for case in cases:
        for outcome in ("failure", "error"):
            for found in case.findall(outcome):
                message = (found.get("message") or "").strip().splitlines() or [""]
                name = f"{case.get('classname')}::{case.get('name')}"
                print(f"{report}: {outcome.upper()} {name}: {message[0][:160]}")


def boot_failure(log):
    try:
        with open(log, errors="replace") as f:
            text = re.sub(r"\x1b\[[0-9;]*m", "", f.read())
    except OSError as e:
        print(f"{log}: unreadable ({e})")
        return
    said = list(dict.fromkeys(LAB_SAID.findall(text)))
    # a failure the play ignores (ignore_errors: Ansible prints
    # "...ignoring" on the next line) is not what failed the run
    lines = text.splitlines()
    fatal = [
        found.group(0)
        for i, line in enumerate(lines)
        if (found := FATAL.search(line))
        and not (i + 1 < len(lines) and lines[i + 1].strip() == "...ignoring")
    ]
    if not said and not fatal:
        return
    print(f"{log}: no tests ran")
    if said:
        print("  what lab/up.sh said:")
        for line in said[-8:]:
            print(f"    {line[:200]}")
    if fatal:
        # converge's or idempotence's, or create's (up.sh's words are above)
        print("  the last task that failed:")
        print(f"    {fatal[-1][:400]}")


for log in sys.argv[1:]:
    report = os.path.splitext(log)[0] + ".xml"
    if os.path.exists(report):
        failed_tests(report)
    else:
        boot_failure(log)
