#!/usr/bin/python3
"""Matching benchmark (DESIGN.md section 9): 2,000 mentors by 5,000 mentees.

Generates a realistic random cohort (about 30 departments of uneven size,
60 fields and 100 topics, fields correlated with departments, names spelled
with varying case and accents, en/fr, some preferences, mentor capacities
1-3, a few people applying on both sides), runs match_propose() on it through
tests/bench/match_driver.c, and runs SciPy's linear_sum_assignment on the same
objective in the same run:

  rows = mentees, columns = mentors repeated by capacity,
  value = BIG + score for an allowed pair, 0 for a forbidden one (= unpaired),
  BIG = (best pair score) * min(rows, columns) + 1, so that one more pair
  always outweighs any difference in score: most pairs first, then score.

The scores are computed here independently from the rules in src/programme/match.h, so
the check also covers the scoring. It fails (exit 1) unless both find the
same number of pairs and the same total score, and every pair the C code
returns is allowed, within capacity and scored as here. The target is PASS
when match_propose() takes under 2 s and no longer than linear_sum_assignment
alone (both best of several runs; the C time includes scoring and building
the allowed-pair graph, SciPy's does not include building its matrix).

Environment: MENTORD_SOURCE (repository root; default: found from this
file), BUILD_DIR (build folder; default build/bench under the root),
MATCH_BENCH_SEED (default 20260301), MATCH_BENCH_MENTORS, MATCH_BENCH_MENTEES,
MATCH_BENCH_INSTANCE (keep the generated instance in this file, e.g. for a
profiler: match_driver FILE).
"""
import os
import random
import subprocess
import sys
import tempfile
import time
import unicodedata

import numpy as np
from scipy.optimize import linear_sum_assignment

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.environ.get("MENTORD_SOURCE") or os.path.join(HERE, "..", ".."))
WEIGHTS = (4.0, 4.0, 1.0, 2.0, 3.0)  # the configuration's defaults
TARGET_SECONDS = 2.0
REPEATS = 3

DEPARTMENTS = [
    "IT", "Finance", "Human Resources", "Legal Service", "Procurement", "Facilities",
    "Communications", "Research", "Engineering", "Sécurité", "Physique", "Informatique",
    "Ressources humaines", "Accelerator Operations", "Data Science", "Medical Service",
    "Logistics", "Quality Assurance", "Training", "Marketing", "Sales", "Customer Support",
    "Internal Audit", "Strategy", "Design", "Manufacturing", "Électronique", "Mécanique",
    "Administration", "Santé au travail",
]
FIELD_WORDS = [
    "software", "data", "electronics", "mechanics", "safety", "finance", "law", "management",
    "physics", "chemistry", "networks", "security", "design", "statistics", "operations",
    "procurement", "communication", "teaching", "medicine", "logistics",
]
FIELD_KINDS = ["", " engineering", " analysis"]
TOPIC_WORDS = [
    "leadership", "public speaking", "negotiation", "career change", "work-life balance",
    "promotion", "networking", "writing", "project management", "confidence",
    "feedback", "conflict resolution", "time management", "mobility", "parenthood",
    "team building", "interviewing", "salary", "visibility", "technical depth",
]
TOPIC_KINDS = ["", " basics", " for managers", " abroad", " in practice"]


def fold(s):
    """str_fold() of src/core/util.h for the Latin text generated here."""
    out, space = [], False
    for ch in unicodedata.normalize("NFKD", s):
        if unicodedata.combining(ch):
            continue
        if ch.isalnum():
            if space and out:
                out.append(" ")
            space = False
            out.append(ch.lower())
        else:
            space = True
    return "".join(out)


def spell(rng, name):
    """The same name as different people type it."""
    r = rng.random()
    if r < 0.55:
        return name
    if r < 0.7:
        return name.lower()
    if r < 0.8:
        return name.upper()
    if r < 0.9:
        return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return "  " + name.replace(" ", "-") + " "


def zipf_weights(n, s):
    return [1.0 / (k + 1) ** s for k in range(n)]


def generate(rng, n_mentors, n_mentees):
    fields = [w + k for w in FIELD_WORDS for k in FIELD_KINDS]
    topics = [w + k for w in TOPIC_WORDS for k in TOPIC_KINDS]
    dept_w = zipf_weights(len(DEPARTMENTS), 0.8)
    # each department's usual fields, mostly its own few, sometimes any
    core = {d: rng.sample(fields, 4) for d in DEPARTMENTS}
    field_w = zipf_weights(len(fields), 0.6)

    def person(i, role):
        dept = rng.choices(DEPARTMENTS, dept_w)[0]
        fs = []
        for _ in range(rng.choice([1, 1, 2, 2, 2, 3])):
            f = rng.choice(core[dept]) if rng.random() < 0.7 else rng.choices(fields, field_w)[0]
            if f not in fs:
                fs.append(f)
        return {
            "role": role,
            "name": f"{role} {i}",
            "address": f"{role.lower()}{i}@example.org",
            "department": spell(rng, dept),
            "fields": ", ".join(spell(rng, f) for f in fs),
            "topics": ", ".join(spell(rng, t) for t in rng.sample(topics, rng.choice([0, 1, 2, 3, 4, 5]))),
            "language": "fr" if rng.random() < 0.3 else "en",
            "gender": rng.choices(["woman", "man", "nonbinary", ""], [50, 40, 5, 5])[0],
            "capacity": rng.choices([1, 2, 3], [50, 30, 20])[0] if role == "M" else 1,
            "preference": "", "pref_gender": "", "pref_mentors": "",
        }

    mentors = [person(i, "M") for i in range(n_mentors)]
    mentees = [person(i, "E") for i in range(n_mentees)]
    for e in mentees:
        e["preference"] = rng.choices(["", "any", "same-department", "other-department"], [50, 20, 15, 15])[0]
        e["pref_gender"] = rng.choices(["", "any", "woman", "man", "nonbinary"], [55, 10, 28, 5, 2])[0]
        if rng.random() < 0.1:
            e["pref_mentors"] = ", ".join(
                m["address"].upper() if rng.random() < 0.2 else m["address"]
                for m in rng.sample(mentors, rng.choice([1, 2, 3])))
    for e in rng.sample(mentees, min(10, len(mentees), len(mentors))):
        e["address"] = rng.choice(mentors)["address"]  # applied on both sides
    return mentors, mentees


def write_instance(path, mentors, mentees):
    cols = ["name", "address", "department", "fields", "topics", "language", "gender", "capacity"]
    with open(path, "w", encoding="utf-8") as out:
        out.write("W\t" + "\t".join(str(w) for w in WEIGHTS) + "\n")
        for m in mentors:
            out.write("M\t" + "\t".join(str(m[c]) for c in cols) + "\n")
        for e in mentees:
            out.write("E\t" + "\t".join(str(e[c]) for c in cols + ["preference", "pref_gender", "pref_mentors"]) + "\n")


def id_vector(values, table):
    return np.array([table.setdefault(fold(v), len(table)) if fold(v) else -1 for v in values])


def membership(people, key, table, limit=20):
    rows = []
    for p in people:
        ids = []
        for item in p[key].split(","):
            f = fold(item.strip())
            if f and table.setdefault(f, len(table)) not in ids and len(ids) < limit:
                ids.append(table[f])
        rows.append(ids)
    mat = np.zeros((len(people), max(len(table), 1)), dtype=np.float32)
    for i, ids in enumerate(rows):
        mat[i, ids] = 1
    return mat


def scores(mentors, mentees):
    """Score matrix (mentees x mentors), -1 where the pair is not allowed."""
    wd, wf, wt, wl, wp = (round(w * 100) for w in WEIGHTS)
    words = {}
    dm = id_vector([m["department"] for m in mentors], words)
    de = id_vector([e["department"] for e in mentees], words)
    same = (de[:, None] == dm[None, :]) & (de[:, None] >= 0)
    ftab, ttab = {}, {}
    fm, fe = membership(mentors, "fields", ftab), membership(mentees, "fields", ftab)
    fm = np.pad(fm, ((0, 0), (0, fe.shape[1] - fm.shape[1])))
    nf = (fe @ fm.T).astype(np.int64)
    tm, te = membership(mentors, "topics", ttab), membership(mentees, "topics", ttab)
    tm = np.pad(tm, ((0, 0), (0, te.shape[1] - tm.shape[1])))
    nt = (te @ tm.T).astype(np.int64)
    lm = id_vector([m["language"] for m in mentors], words)
    le = id_vector([e["language"] for e in mentees], words)
    gm = id_vector([m["gender"] for m in mentors], words)
    pg = np.array([words.setdefault(fold(e["pref_gender"]), len(words))
                   if fold(e["pref_gender"]) not in ("", "any", "none") else -2 for e in mentees])
    pref = np.array([{"same department": 1, "other department": 2}.get(fold(e["preference"]), 0) for e in mentees])
    allowed = np.where(pref[:, None] == 1, same,
                       np.where(pref[:, None] == 2, ~same & (nf > 0), same | (nf > 0)))
    addr = {m["address"].strip().lower(): [] for m in mentors}
    for j, m in enumerate(mentors):
        addr[m["address"].strip().lower()].append(j)
    named = np.zeros(allowed.shape, dtype=np.int64)
    for i, e in enumerate(mentees):
        for a in [a.strip().lower() for a in e["pref_mentors"].split(",") if a.strip()][:3]:
            for j in addr.get(a, []):
                named[i, j] = 1
        for j in addr.get(e["address"].strip().lower(), []):
            allowed[i, j] = False  # never with themself
    s = (np.where(same & (pref[:, None] != 2), wd, 0) + wf * np.minimum(nf, 2) + wt * np.minimum(nt, 3)
         + np.where((le[:, None] == lm[None, :]) & (le[:, None] >= 0), wl, 0)
         + wp * (2 * named + (pg[:, None] == gm[None, :]) + (pref[:, None] != 0)))
    return np.where(allowed, s, -1)


def build_driver(build_dir):
    """Builds the driver with the Makefile's own flags and objects (the
    Makefile is read, not changed: the rule comes on standard input)."""
    target = os.path.join(build_dir, "bench", "match_driver")
    rule = ("$(BUILD)/bench/match_driver: tests/bench/match_driver.c $(LIB_OBJ)\n"
            "\t@mkdir -p $(@D)\n"
            "\t$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_OBJ) $(ALL_LDFLAGS) $(PKG_LIBS)\n")
    subprocess.run(["make", "--no-print-directory", "-s", "-f", "Makefile", "-f", "-",
                    "BUILD=" + build_dir, target],
                   cwd=SOURCE, input=rule, text=True, check=True)
    return os.path.join(SOURCE, target)


def run_driver(driver, instance):
    """REPEATS separate runs, each one call: reading the instance, the
    call (timed inside with CLOCK_MONOTONIC), printing the result."""
    res = {"times": [], "totals": []}
    for _ in range(REPEATS):
        start = time.monotonic()
        out = subprocess.run([driver, instance], capture_output=True, text=True, check=True).stdout
        res["totals"].append(time.monotonic() - start)
        res["pairs_list"] = []
        for line in out.splitlines():
            f = line.split()
            if f[0] == "propose_seconds":
                res["times"].append(float(f[1]))
            elif f[0] == "P":
                res["pairs_list"].append((int(f[1]), int(f[2]), int(f[3])))
            elif f[0] in ("pairs", "total_score", "unmatched"):
                res[f[0]] = int(f[1])
    return res


def check_pairs(res, s, mentors):
    """Every pair allowed, scored as here, mentees once, mentors within capacity."""
    load, seen = {}, set()
    for m, e, sc in res["pairs_list"]:
        if s[e, m] < 0 or s[e, m] != sc or e in seen:
            return f"pair mentor {m} mentee {e} score {sc}: expected {s[e, m]} (or mentee twice)"
        seen.add(e)
        load[m] = load.get(m, 0) + 1
        if load[m] > mentors[m]["capacity"]:
            return f"mentor {m} over capacity"
    if sum(sc for _, _, sc in res["pairs_list"]) != res["total_score"]:
        return "total_score is not the sum of the pairs' scores"
    return None


def run_scipy(s, mentors):
    start = time.monotonic()
    caps = np.array([m["capacity"] for m in mentors])
    cols = np.repeat(np.arange(len(mentors)), caps)
    big = int(s.max(initial=0)) * min(s.shape[0], len(cols)) + 1
    value = np.where(s >= 0, big + s, 0).astype(np.float64)[:, cols]
    build = time.monotonic() - start
    times = []
    while len(times) < REPEATS and sum(times) < 20:
        t0 = time.monotonic()
        rows, chosen = linear_sum_assignment(value, maximize=True)
        times.append(time.monotonic() - t0)
    v = value[rows, chosen]
    keep = v > 0
    return {"times": times, "build": build, "pairs": int(keep.sum()),
            "total_score": int((v[keep] - big).sum()), "objective": int(v.sum()), "big": big}


def main():
    n_mentors = int(os.environ.get("MATCH_BENCH_MENTORS", "2000"))
    n_mentees = int(os.environ.get("MATCH_BENCH_MENTEES", "5000"))
    seed = int(os.environ.get("MATCH_BENCH_SEED", "20260301"))
    build_dir = os.environ.get("BUILD_DIR") or "build/bench"
    build_dir = os.path.relpath(os.path.abspath(os.path.join(SOURCE, build_dir)), SOURCE)
    driver = build_driver(build_dir)
    rng = random.Random(seed)
    mentors, mentees = generate(rng, n_mentors, n_mentees)
    with tempfile.TemporaryDirectory(prefix="mentord-bench-match-") as tmp:
        instance = os.environ.get("MATCH_BENCH_INSTANCE") or os.path.join(tmp, "instance.tsv")
        write_instance(instance, mentors, mentees)
        ours = run_driver(driver, instance)
    s = scores(mentors, mentees)
    sp = run_scipy(s, mentors)
    bad = check_pairs(ours, s, mentors)
    t_ours, t_sp = min(ours["times"]), min(sp["times"])
    ratio = t_ours / t_sp if t_sp > 0 else float("inf")
    print(f"match: {n_mentors} mentors (capacity {sum(m['capacity'] for m in mentors)}) x "
          f"{n_mentees} mentees, seed {seed}, allowed pairs {int((s >= 0).sum())} "
          f"({100.0 * (s >= 0).mean():.1f}%)")
    print(f"match: match_propose {t_ours:.3f} s (best of {len(ours['times'])}: "
          f"{', '.join(f'{t:.3f}' for t in ours['times'])}); whole driver run (read, match, print) "
          f"{min(ours['totals']):.3f} s")
    print(f"match: scipy linear_sum_assignment {t_sp:.3f} s (best of {len(sp['times'])}: "
          f"{', '.join(f'{t:.3f}' for t in sp['times'])}); with building its "
          f"{s.shape[0]}x{int(sum(m['capacity'] for m in mentors))} matrix {sp['build'] + t_sp:.3f} s")
    print(f"match: ratio match_propose / scipy = {ratio:.3f}")
    ours_obj = ours["pairs"] * sp["big"] + ours["total_score"]
    print(f"match: objective ours {ours['pairs']} pairs, score {ours['total_score']} (= {ours_obj}); "
          f"scipy {sp['pairs']} pairs, score {sp['total_score']} (= {sp['objective']})")
    if bad or ours["pairs"] != sp["pairs"] or ours["total_score"] != sp["total_score"]:
        print(f"match: FAIL: results differ{': ' + bad if bad else ''}")
        return 1
    ok = t_ours < TARGET_SECONDS and t_ours <= t_sp
    print(f"match: {'PASS' if ok else 'MISS'} (target: under {TARGET_SECONDS:.0f} s and not slower than scipy)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
