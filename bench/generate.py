"""Seeded synthetic Rally'nov records in the bundled format, at any size.

    python bench/generate.py 10000 bench/out/10k      # 10k innovations, with actors, stages, partners

Proportions follow the bundled data: per 100 innovations about 60 organisations, 4 stages,
3 awards, 20 testimonies, 30 people, 40 partnerships. Same seed, same files.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

from loaders.tables import TABLES
from loaders.vocab import schemes

COMMUNES = [
    ("besancon", "Besançon", "25056", "doubs", 47.2378, 6.0241),
    ("vesoul", "Vesoul", "70550", "haute-saone", 47.6222, 6.1553),
    ("montbeliard", "Montbéliard", "25388", "doubs", 47.5103, 6.7989),
    ("dole", "Dole", "39198", "jura", 47.0917, 5.4964),
    ("champagnole", "Champagnole", "39097", "jura", 46.7481, 5.9078),
    ("belfort", "Belfort", "90010", "territoire-de-belfort", 47.6381, 6.8628),
]
DEPARTMENTS = [
    ("doubs", "Doubs", "25"),
    ("jura", "Jura", "39"),
    ("haute-saone", "Haute-Saône", "70"),
    ("territoire-de-belfort", "Territoire de Belfort", "90"),
]


def _codes(scheme: str) -> list[str]:
    return sorted(schemes().codes[scheme])


def _write(folder: Path, table: str, rows: list[dict[str, object]]) -> None:
    columns = TABLES[table].column_names
    with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})


def generate(innovations: int, folder: Path, seed: int = 42) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    codes = _codes("need")
    domains = [c for c in codes if c.startswith("D-")]
    needs_of = {
        "S-ESS": [c for c in codes if c.startswith("D1-")],
        "S-CLA": [c for c in codes if c.startswith("C1-")],
    }
    types, levers = _codes("innovation-type"), _codes("lever")
    novelties, scopes = _codes("need-novelty"), _codes("novelty-scope")
    themes, statuses, kinds = _codes("theme"), _codes("status"), _codes("org-kind")
    n_orgs, n_stages = max(10, innovations * 6 // 10), max(4, innovations // 25)
    n_people = max(5, innovations * 3 // 10)
    years = [str(y) for y in range(2013, 2013 + max(2, innovations // 5000))]

    _write(
        folder,
        "sources",
        [
            {
                "id": "synthetic",
                "title": "Synthetic records",
                "date": "2026-11",
                "publisher": "bench/generate.py",
            }
        ],
    )
    places = [
        {
            "id": "franche-comte",
            "kind": "region",
            "name": "Franche-Comté",
            "insee_code": "43",
            "source": "synthetic",
        }
    ]
    places += [
        {
            "id": i,
            "kind": "department",
            "name": n,
            "insee_code": c,
            "within": "franche-comte",
            "source": "synthetic",
        }
        for i, n, c in DEPARTMENTS
    ]
    places += [
        {
            "id": i,
            "kind": "commune",
            "name": n,
            "insee_code": c,
            "within": d,
            "lat": la,
            "lon": lo,
            "source": "synthetic",
        }
        for i, n, c, d, la, lo in COMMUNES
    ]
    _write(folder, "places", places)
    _write(
        folder,
        "editions",
        [
            {
                "id": y,
                "year": y,
                "label_fr": f"Rally'nov {y}",
                "label_en": f"Rally'nov {y}",
                "start": f"{y}-01-15",
                "end": f"{y}-11-28",
                "source": "synthetic",
            }
            for y in years
        ],
    )
    orgs = [f"org-{i}" for i in range(n_orgs)]
    _write(
        folder,
        "organisations",
        [
            {
                "id": o,
                "name": f"Organisation {i}",
                "aliases": f"Org {i}",
                "kind": rng.choice(kinds),
                "sphere": rng.choice(["S-ESS", "S-CLA"]),
                "place": rng.choice(COMMUNES)[0],
                "source": "synthetic",
                "description_fr": f"Organisation synthétique {i}",
                "description_en": f"Synthetic organisation {i}",
            }
            for i, o in enumerate(orgs)
        ],
    )
    stages = [f"stage-{i}" for i in range(n_stages)]
    _write(
        folder,
        "events",
        [
            {
                "id": s,
                "kind": "EV-STAGE",
                "edition": rng.choice(years),
                "number": i + 1,
                "title": f"Étape {i}",
                "start": f"{rng.choice(years)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "place": rng.choice(COMMUNES)[0],
                "themes": rng.choice(themes),
                "source": "synthetic",
            }
            for i, s in enumerate(stages)
        ],
    )
    _write(
        folder,
        "event_organisers",
        [
            {"event": s, "organisation": o, "role": "OR-ORG", "source": "synthetic"}
            for s in stages
            for o in rng.sample(orgs, 2)
        ],
    )
    _write(
        folder,
        "partnerships",
        [
            {"organisation": o, "edition": y, "role": "PR-PARTNER", "source": "synthetic"}
            for o in rng.sample(orgs, max(2, n_orgs * 2 // 3))
            for y in rng.sample(years, 1)
        ],
    )
    people = [f"person-{i}" for i in range(n_people)]
    _write(
        folder,
        "people",
        [
            {
                "id": p,
                "name": f"Personne {i}",
                "role_fr": "Témoin",
                "role_en": "Witness",
                "affiliation": rng.choice(orgs),
                "source": "synthetic",
            }
            for i, p in enumerate(people)
        ],
    )
    rows, awards, applications, testimonies = [], [], [], []
    for i in range(innovations):
        iid, status = f"innovation-{i}", rng.choice(statuses)
        sphere = rng.choice(["S-ESS", "S-CLA"])
        rows.append(
            {
                "id": iid,
                "name": f"Innovation sociale {i}",
                "carriers": rng.choice(orgs),
                "description_fr": f"Description de l'innovation {i}",
                "description_en": f"Description of innovation {i}",
                "need_fr": "Besoin social mal satisfait",
                "need_en": "Badly met social need",
                "needs": rng.choice(needs_of[sphere]),
                "need_novelty": rng.choice(novelties),
                "novelty_scope": rng.choice(scopes),
                "types": rng.choice(types),
                "domains": rng.choice(domains),
                "sphere": sphere,
                "situations": "C2-BAI" if sphere == "S-CLA" else "",
                "levers": rng.choice(levers) if sphere == "S-CLA" else "",
                "novelty_fr": "Nouveau sur le territoire",
                "novelty_en": "New in the territory",
                "risk_fr": "Risque pris",
                "risk_en": "Risk taken",
                "approach_fr": "Démarche collective",
                "approach_en": "Collective approach",
                "stakeholders": "SH-EMP",
                "phase": "P-EXP",
                "effects_fr": "Effets",
                "effects_en": "Effects",
                "employees": rng.randint(1, 500),
                "founded": rng.randint(1950, 2013),
                "place": rng.choice(COMMUNES)[0],
                "edition": rng.choice(years),
                "presented_at": rng.choice(stages),
                "status": status,
                "themes": rng.choice(themes),
                "source": "synthetic",
            }
        )
        if status == "ST-LAU":
            awards.append(
                {
                    "id": f"award-{i}",
                    "edition": rows[-1]["edition"],
                    "laureate": iid,
                    "category": "AW-PRIX",
                    "amount": 2000,
                    "currency": "EUR",
                    "source": "synthetic",
                }
            )
        if status in {"ST-CAN", "ST-LAU"}:
            applications.append(
                {
                    "id": f"application-{i}",
                    "innovation": iid,
                    "edition": rows[-1]["edition"],
                    "source": "synthetic",
                }
            )
        if i % 5 == 0:
            testimonies.append(
                {
                    "id": f"testimony-{i}",
                    "person": rng.choice(people),
                    "event": rows[-1]["presented_at"],
                    "innovation": iid,
                    "quote_fr": "Une citation",
                    "quote_en": "A quote",
                    "source": "synthetic",
                }
            )
    for table, data in (
        ("innovations", rows),
        ("awards", awards),
        ("applications", applications),
        ("testimonies", testimonies),
    ):
        _write(folder, table, data)
    _write(
        folder,
        "key_figures",
        [
            {
                "id": f"kf-{y}",
                "edition": y,
                "measure": "M-SPOTTED",
                "value": innovations,
                "label_fr": "innovations repérées",
                "source": "synthetic",
            }
            for y in years
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("innovations", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    generate(args.innovations, args.folder, args.seed)


if __name__ == "__main__":
    main()
