#!/usr/bin/env python3
"""Rewrites src/<Project>/PublicAPI.Unshipped.txt from what the build says is undeclared.

Usage: python3 eng/update-public-api.py [Project ...]   (default: every shipped library)

The PublicApiAnalyzers report each public symbol missing from PublicAPI.Shipped.txt/Unshipped.txt as RS0016; this
builds each project with empty Unshipped files and writes every reported line into it (lines of all target
frameworks, once). A project with API of one target framework only keeps it in PublicAPI/<tfm>/PublicAPI.Unshipped.txt
(Sse.Testing's host over WebApplicationFactory, .NET 10): lines not reported by every framework go there when that
folder exists. Removed APIs need no step: they are simply not reported again. Review the diff before committing.
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
    folder = ROOT / "src" / project
    unshipped = folder / "PublicAPI.Unshipped.txt"
    per_framework = {p.parent.name: p for p in folder.glob("PublicAPI/*/PublicAPI.Unshipped.txt")}
    for file in [unshipped, *per_framework.values()]:
        file.write_text("#nullable enable\n")
    frameworks = subprocess.run(
        ["dotnet", "msbuild", str(folder), "-getProperty:TargetFrameworks"], capture_output=True, text=True).stdout.split(";")
    frameworks = [f.strip() for f in frameworks if f.strip()]
    build = subprocess.run(
        ["dotnet", "build", str(folder), "-p:TreatWarningsAsErrors=false", "--no-incremental", "-v:q", "-clp:NoSummary"],
        capture_output=True, text=True)
    by_framework = collections.defaultdict(set)
    for line in build.stdout.splitlines():
        match = MISSING.search(line)
        if match and f"/src/{project}/" in line.replace("\\", "/"):
            by_framework[match.group(2) or "-"].add(match.group(1))
    everywhere = set.intersection(*(by_framework.get(f, set()) for f in frameworks)) if len(frameworks) > 1 else set().union(*by_framework.values())
    shared = set(everywhere)
    for framework, lines in by_framework.items():
        only_here = lines - everywhere
        if framework in per_framework:
            per_framework[framework].write_text("#nullable enable\n" + "".join(l + "\n" for l in sorted(only_here)))
        else:
            shared |= only_here
    unshipped.write_text("#nullable enable\n" + "".join(l + "\n" for l in sorted(shared)))
    differing = {f: len(v) for f, v in by_framework.items()}
    print(f"{project}: {len(shared)} lines {differing}")
