#!/usr/bin/env python3
"""Rewrites src/<Project>/PublicAPI.Unshipped.txt from what the build says is undeclared.

Usage: python3 eng/update-public-api.py [Project ...]   (default: every shipped library)

The PublicApiAnalyzers report each public symbol missing from PublicAPI.Shipped.txt/Unshipped.txt as RS0016; this
builds each project with an empty Unshipped file and writes every reported line into it (lines of all target
frameworks, once). Removed APIs need no step: they are simply not reported again. Review the diff before committing.
"""
import collections
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT = sorted(p.parent.name for p in (ROOT / "src").glob("*/PublicAPI.Shipped.txt"))
MISSING = re.compile(r"RS0016: Symbol '(.*)' is not part of the declared public API .*?(?:TargetFramework=([\w.]+))?\]$")

for project in sys.argv[1:] or DEFAULT:
    unshipped = ROOT / "src" / project / "PublicAPI.Unshipped.txt"
    unshipped.write_text("#nullable enable\n")
    build = subprocess.run(
        ["dotnet", "build", str(ROOT / "src" / project), "-p:TreatWarningsAsErrors=false", "--no-incremental", "-v:q", "-clp:NoSummary"],
        capture_output=True, text=True)
    by_framework = collections.defaultdict(set)
    for line in build.stdout.splitlines():
        match = MISSING.search(line)
        if match and f"/src/{project}/" in line.replace("\\", "/"):
            by_framework[match.group(2) or "-"].add(match.group(1))
    lines = sorted(set().union(*by_framework.values()))
    unshipped.write_text("#nullable enable\n" + "".join(l + "\n" for l in lines))
    differing = {f: len(v) for f, v in by_framework.items()}
    print(f"{project}: {len(lines)} lines {differing}")
