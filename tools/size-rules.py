#!/usr/bin/env python3
"""Lists what breaks the size rules in C# sources: files over ~400 lines, methods (and constructors,
accessors, local functions) over ~60 lines, constructors and positional records with more than ~6
parameters.

    python3 tools/size-rules.py [DIR ...]            (default: src)
    python3 tools/size-rules.py --file 400 --method 60 --params 6 src/ModelPack.Core/Mounts

A reading of the text, not a compiler: a member is a line at a type's body depth that has a '('
and opens a block or an expression body; its length runs from that line to the end of the block.
"""
import argparse
import os
import re
import sys

MODIFIERS = r"(?:public|private|internal|protected|static|async|override|virtual|sealed|abstract|extern|unsafe|new|partial|readonly)"
MEMBER = re.compile(r"^\s*(?:\[[^\]]*\]\s*)*(?:" + MODIFIERS + r"\s+)+[^=;]*?\b([A-Za-z_][A-Za-z0-9_]*)\s*(?:<[^>]*>)?\s*\(")
TYPE = re.compile(r"^\s*(?:" + MODIFIERS + r"\s+)*(?:class|struct|record|interface)\s+([A-Za-z_][A-Za-z0-9_]*)")
POSITIONAL_RECORD = re.compile(r"^\s*(?:" + MODIFIERS + r"\s+)*record\s+(?:class\s+|struct\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(?:<[^>]*>)?\s*\(")
KEYWORDS = {"public", "private", "internal", "protected", "static", "async", "override", "virtual", "sealed",
            "abstract", "extern", "unsafe", "new", "partial", "readonly", "if", "for", "foreach", "while", "switch", "using", "lock", "catch", "return", "nameof", "typeof", "when", "fixed"}


def strip_strings_and_comments(line, state):
    """Removes string/char literals and comments, so braces inside them are not counted."""
    out = []
    i = 0
    while i < len(line):
        if state["block_comment"]:
            end = line.find("*/", i)
            if end < 0:
                return "".join(out)
            state["block_comment"] = False
            i = end + 2
            continue
        if state["verbatim"]:
            end = line.find('"', i)
            if end < 0:
                return "".join(out)
            if end + 1 < len(line) and line[end + 1] == '"':
                i = end + 2
                continue
            state["verbatim"] = False
            out.append('""')
            i = end + 1
            continue
        c = line[i]
        if line.startswith("//", i):
            break
        if line.startswith("/*", i):
            state["block_comment"] = True
            i += 2
            continue
        if line.startswith('@"', i) or line.startswith('$@"', i) or line.startswith('@$"', i):
            state["verbatim"] = True
            i = line.index('"', i) + 1
            continue
        if c == '"':
            j = i + 1
            while j < len(line) and line[j] != '"':
                j += 2 if line[j] == "\\" else 1
            out.append('""')
            i = j + 1
            continue
        if c == "'":
            j = i + 1
            while j < len(line) and line[j] != "'":
                j += 2 if line[j] == "\\" else 1
            out.append("''")
            i = j + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def count_parameters(text):
    """Top-level commas in the first parenthesised list of text."""
    start = text.find("(")
    if start < 0:
        return 0
    depth = 0
    count = 0
    seen = False
    for c in text[start:]:
        if c in "(<[{":
            depth += 1
            continue
        if c in ")>]}":
            depth -= 1
            if depth == 0:
                break
            continue
        if depth == 1:
            if c == ",":
                count += 1
            elif not c.isspace():
                seen = True
    return count + 1 if seen else 0


def scan(path, limits):
    findings = []
    with open(path, encoding="utf-8-sig") as f:
        raw = f.read().split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    if len(raw) > limits.file:
        findings.append(("file", len(raw), path, ""))
    state = {"block_comment": False, "verbatim": False}
    code = [strip_strings_and_comments(l, state) for l in raw]

    depth = 0
    type_depths = []  # brace depth of each open type's body
    i = 0
    pending_type = None
    while i < len(code):
        line = code[i]
        stripped = line.strip()
        type_match = TYPE.match(line)
        record_match = POSITIONAL_RECORD.match(line)
        if record_match:
            signature = " ".join(code[i:i + 20])
            n = count_parameters(signature[signature.index(record_match.group(1)):])
            if n > limits.params:
                findings.append(("params", n, f"{path}:{i + 1}", "record " + record_match.group(1)))
        if type_match:
            pending_type = type_match.group(1)
        member = MEMBER.match(line)
        at_member_depth = type_depths and depth == type_depths[-1]
        if member and at_member_depth and member.group(1) not in KEYWORDS and not type_match:
            name = member.group(1)
            # The signature may run over several lines: find where the body opens.
            j = i
            signature = line
            while j < len(code) and "{" not in code[j] and "=>" not in code[j] and not code[j].rstrip().endswith(";"):
                j += 1
                if j < len(code):
                    signature += " " + code[j]
            constructor = type_depths and name in current_types
            if constructor or re.search(r"\b" + re.escape(name) + r"\s*\(", signature):
                n = count_parameters(signature[signature.index(name):])
                if constructor and n > limits.params:
                    findings.append(("params", n, f"{path}:{i + 1}", "constructor " + name))
            end = member_end(code, i, j)
            length = end - i + 1
            if length > limits.method:
                findings.append(("method", length, f"{path}:{i + 1}", name))
        for c in line:
            if c == "{":
                depth += 1
                if pending_type is not None:
                    type_depths.append(depth)
                    current_types.append(pending_type)
                    pending_type = None
            elif c == "}":
                if type_depths and depth == type_depths[-1]:
                    type_depths.pop()
                    current_types.pop()
                depth -= 1
        if pending_type is not None and stripped.endswith(";"):
            pending_type = None  # a record without a body
        i += 1
    return findings


current_types = []


def member_end(code, start, body_line):
    """The last line of a member whose signature starts at start and whose body opens at body_line."""
    text = code[body_line] if body_line < len(code) else ""
    if "{" not in text or ("=>" in text and text.find("=>") < text.find("{")):
        # Expression body: runs to the first ';' at depth 0.
        depth = 0
        for k in range(start, len(code)):
            for c in code[k]:
                if c in "({[":
                    depth += 1
                elif c in ")}]":
                    depth -= 1
                elif c == ";" and depth == 0:
                    return k
        return len(code) - 1
    depth = 0
    opened = False
    for k in range(body_line, len(code)):
        for c in code[k]:
            if c == "{":
                depth += 1
                opened = True
            elif c == "}":
                depth -= 1
                if opened and depth == 0:
                    return k
    return len(code) - 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dirs", nargs="*", default=["src"])
    parser.add_argument("--file", type=int, default=400)
    parser.add_argument("--method", type=int, default=60)
    parser.add_argument("--params", type=int, default=6)
    limits = parser.parse_args()
    findings = []
    for root in limits.dirs:
        paths = [root] if os.path.isfile(root) else [
            os.path.join(d, n) for d, _, names in os.walk(root) for n in names if n.endswith(".cs")]
        for path in sorted(paths):
            if "/obj/" in path or "/bin/" in path:
                continue
            current_types.clear()
            findings.extend(scan(path, limits))
    order = {"file": 0, "method": 1, "params": 2}
    for kind, size, where, name in sorted(findings, key=lambda f: (order[f[0]], f[2])):
        print(f"{kind:6} {size:5}  {where}  {name}".rstrip())
    print(f"{len(findings)} over the limits (file > {limits.file} lines, method > {limits.method} lines, > {limits.params} parameters)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
