"""Print the tests that failed or errored in pytest's junit reports, one line
each with the first line of the message, so that the end of a CI log says
which lab tests failed (the whole logs are in .build/lab-logs)."""

import sys
import xml.etree.ElementTree as ET

for report in sys.argv[1:]:
    try:
        cases = ET.parse(report).getroot().iter("testcase")
    except (OSError, ET.ParseError) as e:
        print(f"{report}: unreadable ({e})")
        continue
    for case in cases:
        for outcome in ("failure", "error"):
            for found in case.findall(outcome):
                message = (found.get("message") or "").strip().splitlines() or [""]
                name = f"{case.get('classname')}::{case.get('name')}"
                print(f"{report}: {outcome.upper()} {name}: {message[0][:160]}")
