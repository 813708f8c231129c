#!/usr/bin/python3
"""Checks that the includes of src/ follow the layers of src/README.md.

Usage: check_layers.py [--root DIR] [--graph] | --self-test

Every `#include "x.h"` of src/ is an arrow from the including module to
the included one. A module is x.h with x.c, and the files of its own
x_*.c and x_private.h; a private header is for its module's files only. The check fails when an
arrow points up a layer, sideways between layers that stand side by side
(net and programme), between two modules of a layer whose modules must
not know each other (the features), when a module belongs to no layer,
when an included header is not in src/, or when the arrows make a circle.

The layers, from the bottom: the folders core, mail, then net and
programme side by side, then the top files of src/; inside programme, the
named layers of LAYERS below, and inside mail those of mail/README.md. --graph prints the arrows, layer by layer.
Exit status 0 when all is well, 1 with one line per problem, 2 on a usage
error. --self-test runs the check on small trees made to fail.
"""

import os
import re
import shutil
import sys
import tempfile

# (folder, rank): a folder may include its own and lower ranks; two folders
# of one rank never include each other.
FOLDERS = {"core": 0, "mail": 1, "net": 2, "programme": 2, ".": 3}

# Inside a folder, from the bottom: (name, peers, modules). peers: the
# modules of the layer may include each other (without a circle).
MAIL_LAYERS = [
    ("charset", False, ["charset"]),
    ("text", False, ["html", "quote", "compose", "ical", "address"]),
    ("mime", False, ["mime"]),
    ("readers", False, ["dsn", "auth"]),
]
LAYERS = [
    ("parse", True, ["command", "form", "match", "classify", "survey", "choice", "profile", "fit"]),
    ("state", False, ["roster"]),
    ("mail out", True, ["inbound", "outbox", "notify"]),
    ("steps", False, ["confirm", "cases", "invite", "overview", "report", "erase",
                      "quarantine", "standing"]),
    ("features", False, ["applicant", "pairing", "training", "followup", "digest", "bounce",
                         "export", "edition", "choosing", "repair"]),
    ("commands", False, ["committee"]),
    ("top", False, ["programme", "sched"]),
]
SUBLAYERS = {"programme": LAYERS, "mail": MAIL_LAYERS}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
# Headers the Makefile generates into $(BUILD)/gen, each for one module
GENERATED = {"words_builtin": "words", "schema": "store"}


def module_of(base, folder_bases):
    """x_walk and x_private belong to module x when x.h stands beside them."""
    if "_" in base:
        head = base.split("_", 1)[0]
        if head in folder_bases:
            return head
    return base


def modules(root):
    """{module: folder} and {module: [files]} of the tree under root/src."""
    src = os.path.join(root, "src")
    where, files = {}, {}
    for folder in FOLDERS:
        d = os.path.join(src, folder)
        if not os.path.isdir(d):
            continue
        names = sorted(n for n in os.listdir(d) if os.path.splitext(n)[1] in (".c", ".h"))
        bases = {os.path.splitext(n)[0] for n in names if n.endswith(".h")}
        for name in names:
            mod = module_of(os.path.splitext(name)[0], bases)
            if mod in where and where[mod] != folder:
                raise SystemExit(f"check_layers: {mod} is in both {where[mod]} and {folder}")
            where[mod] = folder
            files.setdefault(mod, []).append(os.path.join(d, name))
    return where, files


def rank(module, folder):
    """(folder rank, layer index inside the folder, or None where the
    folder has no layers, or -1 for a module in none)."""
    layers = SUBLAYERS.get(folder)
    if layers is None:
        return (FOLDERS[folder], None)
    for i, (_, _, mods) in enumerate(layers):
        if module in mods:
            return (FOLDERS[folder], i)
    return (FOLDERS[folder], -1)


def arrows(where, files):
    """[(from, to, file, header)] for every quoted include."""
    out = []
    for mod, paths in sorted(files.items()):
        for path in paths:
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            for inc in INCLUDE.findall(text):
                header = os.path.splitext(os.path.basename(inc))[0]
                out.append((mod, header, path))
    return out


def circles(nodes, edges):
    """The strongly connected components with more than one module
    (Tarjan), each sorted; a module including itself is not an arrow."""
    index, low, stack, on, comps = {}, {}, [], set(), []
    counter = [0]
    succ = {n: sorted({b for a, b in edges if a == n and b != n}) for n in nodes}

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in succ[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for n in sorted(nodes):
        if n not in index:
            visit(n)
    return comps


def layer_name(module, folder):
    r = rank(module, folder)
    if r[1] is not None and r[1] >= 0:
        return f"{folder}/{SUBLAYERS[folder][r[1]][0]}"
    return "src" if folder == "." else folder


def check(root):
    """The problems found, one line each."""
    where, files = modules(root)
    bases = {}
    for mod, paths in files.items():
        for path in paths:
            bases[os.path.splitext(os.path.basename(path))[0]] = mod
    problems = []
    for mod, folder in sorted(where.items()):
        if rank(mod, folder)[1] == -1:
            problems.append(f"src/{folder}/{mod}: in no layer (add it to the layers of "
                            f"tests/check_layers.py and to src/{folder}/README.md)")
    edges = set()
    for a, header, path in arrows(where, files):
        rel = os.path.relpath(path, root)
        if GENERATED.get(header) == a:
            continue
        if header not in bases:
            problems.append(f"{rel}: includes \"{header}.h\", which is not in src/")
            continue
        b = bases[header]
        if header.endswith("_private") and a != b:
            problems.append(f"{rel}: includes {header}.h, private to the module {b}")
        if a == b:
            continue
        edges.add((a, b))
        fa, fb = where[a], where[b]
        ra, rb = rank(a, fa), rank(b, fb)
        if ra[0] < rb[0]:
            problems.append(f"{rel}: includes {header}.h of {layer_name(b, fb)}, a layer above "
                            f"{layer_name(a, fa)}")
        elif ra[0] == rb[0] and fa != fb:
            problems.append(f"{rel}: includes {header}.h: {fa} and {fb} stand side by side and "
                            "never include each other")
        elif fa == fb and ra[1] is not None and ra[1] >= 0 and rb[1] >= 0:
            layers = SUBLAYERS[fa]
            if ra[1] < rb[1]:
                problems.append(f"{rel}: includes {header}.h of {layer_name(b, fb)}, a layer "
                                f"above {layer_name(a, fa)}")
            elif ra[1] == rb[1] and not layers[ra[1]][1]:
                problems.append(f"{rel}: includes {header}.h: the {layers[ra[1]][0]} of "
                                f"{fa} do not include each other")
    for comp in circles(set(where), edges):
        problems.append("include circle: " + " -> ".join(comp + [comp[0]]))
    return problems, where, edges


def graph(where, edges):
    order = sorted(where, key=lambda m: (rank(m, where[m])[0], where[m], rank(m, where[m])[1] or 0, m))
    lines, current = [], None
    for m in order:
        name = layer_name(m, where[m])
        if name != current:
            lines.append(f"[{name}]")
            current = name
        deps = sorted(b for a, b in edges if a == m)
        lines.append(f"  {m} -> {', '.join(deps) if deps else '(nothing of ours)'}")
    return "\n".join(lines)


def self_test():
    """Trees made to fail, and one made to pass: the check must tell."""
    cases = [
        ("clean", {"core/util.h": "", "mail/mime.c": '#include "util.h"\n',
                   "programme/notify.c": '#include "outbox.h"\n#include "roster.h"\n',
                   "programme/outbox.h": '#include "mime.h"\n', "programme/roster.h": "",
                   "main.c": '#include "notify.h"\n'}, None),
        ("a circle", {"programme/command.h": '#include "form.h"\n',
                      "programme/form.h": '#include "classify.h"\n',
                      "programme/classify.h": '#include "command.h"\n'},
         "include circle: classify -> command -> form -> classify"),
        ("core includes mail", {"core/util.c": '#include "mime.h"\n', "mail/mime.h": ""},
         "a layer above core"),
        ("net includes programme", {"net/smtp.c": '#include "outbox.h"\n',
                                    "programme/outbox.h": ""}, "stand side by side"),
        ("a feature includes a feature", {"programme/applicant.c": '#include "pairing.h"\n',
                                          "programme/pairing.h": ""},
         "do not include each other"),
        ("a feature includes the dispatcher", {"programme/training.c": '#include "programme.h"\n',
                                               "programme/programme.h": ""},
         "a layer above programme/features"),
        ("a module in no layer", {"programme/stray.c": ""}, "in no layer"),
        ("a private header of another module", {"mail/mime.h": "", "mail/mime_private.h": "",
                                                "mail/mime_walk.c": '#include "mime_private.h"\n',
                                                "mail/dsn.c": '#include "mime_private.h"\n'},
         "private to the module mime"),
        ("mail's order", {"mail/charset.c": '#include "html.h"\n', "mail/html.h": ""},
         "a layer above mail/charset"),
        ("a header not in src", {"core/util.c": '#include "nowhere.h"\n'}, "not in src/"),
    ]
    failed = 0
    for name, tree, want in cases:
        root = tempfile.mkdtemp(prefix="check-layers-")
        try:
            for rel, text in tree.items():
                path = os.path.join(root, "src", rel)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w") as f:
                    f.write(text)
            problems, _, _ = check(root)
        finally:
            shutil.rmtree(root)
        ok = not problems if want is None else any(want in p for p in problems)
        print(f"self-test {name}: {'ok' if ok else 'FAILED'}"
              + ("" if ok else f" (expected {want!r}, got {problems})"))
        failed += not ok
    return 1 if failed else 0


def main(argv):
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
    show = False
    args = argv[1:]
    while args:
        a = args.pop(0)
        if a == "--self-test" and not args:
            return self_test()
        if a == "--root" and args:
            root = args.pop(0)
        elif a == "--graph":
            show = True
        else:
            print(__doc__.strip().splitlines()[2], file=sys.stderr)
            return 2
    problems, where, edges = check(root)
    if show:
        print(graph(where, edges))
    for p in problems:
        print(p)
    if not problems:
        print(f"check_layers: {len(where)} modules, {len(edges)} arrows, every one points down, "
              "no circle")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
