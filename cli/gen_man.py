#!/usr/bin/env python3
"""Write the landrelease(1) man page from the program's own --help texts.

    gen_man.py LANDRELEASE OUT

The help of the program and of each command is the one source: this turns
it into roff (a NAME and SYNOPSIS, then one section per command, its usage
lines as synopsis and its option lines as tagged paragraphs), so the page
can never say other than --help does.
"""
import re
import subprocess
import sys


def helptext(exe, *args):
    return subprocess.run([exe, *args, "--help"], capture_output=True,
                          text=True, check=True).stdout


def roff(text):
    """Text safe in roff: backslashes doubled, a leading dot or quote
    escaped, hyphens of options kept as minus signs."""
    text = text.replace("\\", "\\\\").replace("-", "\\-")
    return re.sub(r"^([.'])", r"\\&\1", text, flags=re.M)


def commands(top):
    """The command names listed under 'commands:' in the top help."""
    names, inside = [], False
    for line in top.splitlines():
        if line.startswith("commands:"):
            inside = True
        elif inside and re.match(r"^  [a-z]", line):
            names.append(line.split()[0])
        elif inside and not line.strip():
            inside = not names
    return names


OPTION = re.compile(r"^  (-\S.*?)(?:\s{2,}(.*))?$")
COMMAND = re.compile(r"^  ([a-z]+)\s+(.*)$")


def command_section(name, text):
    out = [f".SH {name.upper()}"]
    para = []
    for line in text.splitlines():
        m = OPTION.match(line) or (name == "commands" and
                                   COMMAND.match(line))
        if line.startswith(("usage:", "      ")) and "landrelease" in line:
            out.append(".PP\n.B " + roff(line.split(":", 1)[-1].strip()
                                         if line.startswith("usage:")
                                         else line.strip()))
        elif re.match(r"^[a-z]+:$", line):
            out.append(".SS " + roff(line[:-1]))
        elif m:
            out.append(".TP\n.B " + roff(m.group(1).strip()))
            if m.group(2):
                out.append(roff(m.group(2).strip()))
        elif line.startswith("   ") and out[-1:] and not para:
            out.append(roff(line.strip()))
        elif not line.strip():
            if para:
                out.append(".PP\n" + roff(" ".join(para)))
                para = []
        else:
            para.append(line.strip())
    if para:
        out.append(".PP\n" + roff(" ".join(para)))
    return "\n".join(out)


def main():
    exe, dest = sys.argv[1], sys.argv[2]
    top = helptext(exe)
    version = subprocess.run([exe, "--version"], capture_output=True,
                             text=True).stdout.split("\n")[0]
    page = [f'.TH LANDRELEASE 1 "" "{roff(version)}" "User Commands"',
            ".SH NAME",
            "landrelease \\- land release figures for Article 5 of the "
            "Anti\\-Personnel Mine Ban Convention",
            ".SH SYNOPSIS", ".B landrelease",
            ".I COMMAND", "[options]", ".SH DESCRIPTION"]
    page.append(command_section("commands", top).split("\n", 1)[1])
    for name in commands(top):
        page.append(command_section(name, helptext(exe, name)))
    with open(dest, "w") as f:
        f.write("\n".join(page) + "\n")


if __name__ == "__main__":
    main()
