#!/usr/bin/env python3
"""Writes docs/reference/options.md from the XML documentation of the options types (build the solution first).

Usage: python3 eng/options-doc.py
The summaries are the source: a default or a rule changes in the code's doc comment, and this page follows.
"""
import pathlib
import re
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parent.parent
TYPES = [
    ("Sse.Runtime", "Sse.Runtime.SseClientOptions", "The .NET client: `SseClientOptions`",
     "Per client with `Add{Name}Client(configureHttp, configureOptions)`, or `new {Name}Client(httpClient, options)`."),
    ("Sse.Runtime.AspNetCore", "Sse.Runtime.AspNetCore.SseServerOptions", "The server: `SseServerOptions`",
     "`builder.Services.Configure<SseServerOptions>(o => …)`; per endpoint or contract, `WithSseHeartbeat(interval)`."),
    ("Sse.Runtime.AspNetCore", "Sse.Runtime.AspNetCore.SseHubOptions", "Topics: `SseHubOptions`",
     "`builder.Services.Add{Name}Publisher(o => …)` or `AddSseHub(o => …)`."),
    ("Sse.Runtime.AspNetCore.PostgreSql", "Sse.Runtime.AspNetCore.PostgreSql.SsePostgreSqlOptions", "Several servers: `SsePostgreSqlOptions`",
     "`builder.Services.AddSsePostgreSql(connectionString, o => …)`."),
    ("Sse.Runtime.AspNetCore.Redis", "Sse.Runtime.AspNetCore.Redis.SseRedisOptions", "Several servers on Redis: `SseRedisOptions`",
     "`builder.Services.AddSseRedis(configuration, o => …)`."),
]


def render(element):
    parts = [element.text or ""]
    for child in element:
        if child.tag in ("see", "seealso"):
            reference = child.get("cref") or child.get("langword") or child.get("href") or ""
            name = re.sub(r"^[A-Z]:", "", reference).split("(")[0]
            parts.append("`" + (name.split(".")[-1] if child.get("cref") else reference) + "`")
        elif child.tag == "c":
            parts.append("`" + "".join(child.itertext()) + "`")
        elif child.tag in ("paramref", "typeparamref"):
            parts.append("`" + child.get("name", "") + "`")
        else:
            parts.append(render(child))
        parts.append(child.tail or "")
    return re.sub(r"\s+", " ", "".join(parts)).strip()


lines = ["# Options", "",
         "Every options type in one table each, from the code's own documentation (`eng/options-doc.py` writes this page;",
         "a test checks that it lists every property).", ""]
for assembly, type_name, title, how in TYPES:
    xml = ROOT / "src" / assembly / "bin" / "Debug" / "net10.0" / (assembly + ".xml")
    lines += [f"## {title}", "", how, "", "| property | what it does |", "| --- | --- |"]
    for member in ET.parse(xml).getroot().iter("member"):
        name = member.get("name", "")
        if not name.startswith("P:" + type_name + "."):
            continue
        summary = member.find("summary")
        text = render(summary) if summary is not None else ""
        text = re.sub(r"^Gets or sets ", "", text)
        text = re.sub(r"^Gets ", "", text)
        lines.append(f"| `{name[len(type_name) + 3:]}` | {text[0].upper() + text[1:] if text else ''} |".replace("\n", " "))
    lines.append("")

lines += ["## The TypeScript client: `SseClientOptions`", "",
          "The second argument of a generated client's constructor (`new ChatClient(baseUrl, options)`); see",
          "[the browser](../guide/browser.md). Each default is the .NET client's.", "",
          "| option | what it does |", "| --- | --- |"]
source = (ROOT / "clients" / "typescript" / "src" / "options.ts").read_text()
body = source[source.index("export interface SseClientOptions"):]
body = body[:body.index("\n}")]
for match in re.finditer(r"/\*\*((?:[^*]|\*(?!/))*)\*/\s*readonly (\w+)\??:", body):
    doc = re.sub(r"\s*\*\s*", " ", match.group(1)).strip()
    lines.append(f"| `{match.group(2)}` | {doc} |")
lines.append("")
(ROOT / "docs" / "reference" / "options.md").write_text("\n".join(lines))
print("wrote docs/reference/options.md")
