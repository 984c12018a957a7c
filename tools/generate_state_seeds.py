"""Write the state actors and their aliases from well-kept country data, not a hand list.

    python tools/generate_state_seeds.py            # rewrite sql/seeds/state_actors.csv, state_aliases.csv
    python tools/generate_state_seeds.py --check    # exit 1 if the committed seeds differ from a fresh run

Sources: `pycountry` for the ISO 3166-1 list (every alpha-3 code, names, common and official names) and
`countryinfo` for alternative spellings, demonyms, capitals and populations; Kosovo (XKX, a
user-assigned code) is added by hand because neither library has it.

What a library can't know is decided here, each rule with its reason:
- only Latin-script spellings without commas ("Congo, The Democratic Republic of the" is a sort key);
- ISO codes are no names in running text ("IN", "IT", "CAN", "CHE" are words), except the few
  abbreviations news writes (US, USA, UK, UAE, DRC, ...), kept case-sensitive;
- an alias that two entries share goes to the one with the larger population ("American" is the
  United States', not the Northern Mariana Islands'; "Congolese" the DRC's);
- capitals that are also common English words or first names are not aliases (see CAPITAL_SKIP);
- every generated alias matches case-sensitively: "turkey", "chad", "china", "guinea" are words.

The hand-kept seeds (`actors.csv`, `actor_aliases.csv`) add organisations, armed forces, seats of
power and office holders, and win where they name the same alias.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import unicodedata
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "sql" / "seeds"

# abbreviations that news prose uses for a state (all other ISO codes are dropped)
ABBREVIATIONS = {"US", "USA", "UK", "UAE", "DRC", "PRC", "DPRK", "ROK", "RSA", "PNG", "KSA", "USSR", "U.S.S.R.", "GDR"}

# capitals that are common words or given names in English text, or not the seat of government
CAPITAL_SKIP = {
    "Male",  # Maldives: the English adjective
    "Victoria",  # Seychelles: a given name, a state of Australia
    "Kingston",  # Jamaica: also Norfolk Island and towns in the UK, Canada, the US
    "Hamilton",  # Bermuda: a surname and cities in Canada and New Zealand
    "Georgetown",  # Guyana: also Cayman Islands and Washington's quarter
    "Washington D.C.",  # the hand seed keeps "Washington" (the metonym) and "Washington, D.C."
    "Jerusalem",  # claimed by two entries; as a government it is written "Israel" in news
    "Kingstown",
    "Saint Helier",
    "Avarua",
    "Plymouth",  # Montserrat: a city in England
    "Palikir",
    "Sucre",  # Bolivia's government sits in La Paz (hand seed)
    "Yamoussoukro",  # Côte d'Ivoire's government sits in Abidjan (hand seed)
    "Vatican City",
    "Monaco",
    "Singapore",
    "Luxembourg",
    "Djibouti",
    "San Marino",
    "Kuwait City",
    "Mexico City",
    "Panama City",
    "Guatemala City",
    "Belize",
    "Flying Fish Cove",
    "Adamstown",
    "West Island",
    "King Edward Point",
    "Stanley",
}

# Kosovo: a user-assigned code (XKX) that ISO 3166-1 leaves out and both libraries lack
# names that are mostly something else in English news ("Thomas Mann", "New Jersey")
ALIAS_SKIP = {"Mann", "Man", "Jersey", "Guernsey", "Nijar"}

EXTRA_STATES = [
    {"code": "XKX", "name": "Kosovo", "names": ["Kosovo", "Republic of Kosovo"], "demonym": "Kosovar",
     "capital": "Pristina", "population": 1_800_000},
]

# Reporting from other decades names states that no longer exist. A state that dissolved keeps its
# ISO 3166-3 code (pycountry.historic_countries) as an actor of its own; its population is 0 here, so a
# living state keeps every alias they share ("Moscow" stays Russia's). The English names are written
# here because the library's are sort keys ("USSR, Union of Soviet Socialist Republics").
DISSOLVED_STATES = [
    {"code": "SUN", "name": "Soviet Union",
     "names": ["Soviet Union", "USSR", "U.S.S.R.", "Union of Soviet Socialist Republics", "Soviets"],
     "demonym": "Soviet"},
    {"code": "YUG", "name": "Yugoslavia", "names": ["Yugoslavia"], "demonym": "Yugoslav"},
    {"code": "CSK", "name": "Czechoslovakia", "names": ["Czechoslovakia"], "demonym": "Czechoslovak"},
    {"code": "DDR", "name": "East Germany", "names": ["East Germany", "German Democratic Republic", "GDR"],
     "demonym": "East German"},
    {"code": "SCG", "name": "Serbia and Montenegro", "names": ["Serbia and Montenegro"], "demonym": ""},
    {"code": "YMD", "name": "South Yemen", "names": ["South Yemen"], "demonym": "South Yemeni"},
    {"code": "VDR", "name": "North Vietnam", "names": ["North Vietnam"], "demonym": "North Vietnamese"},
]

# A state that was renamed is the same actor under its former names (ISO 3166-3 has BUR, ZAR, DHY,
# HVO, RHO, TMP, BYS for some of them; the rest were renamed before 1974). West Germany continued as
# Germany.
FORMER_NAMES = {
    "MMR": ["Burma"], "COD": ["Zaire"], "BEN": ["Dahomey"], "BFA": ["Upper Volta"],
    "ZWE": ["Rhodesia", "Southern Rhodesia"], "TLS": ["East Timor"], "BLR": ["Byelorussia"],
    "LKA": ["Ceylon"], "THA": ["Siam"], "IRN": ["Persia"], "KHM": ["Kampuchea"], "DEU": ["West Germany"],
    "TWN": ["Nationalist China", "Formosa"], "ETH": ["Abyssinia"], "TZA": ["Tanganyika"], "MWI": ["Nyasaland"],
    "ZMB": ["Northern Rhodesia"], "BWA": ["Bechuanaland"], "LSO": ["Basutoland"],
}
FORMER_DEMONYMS = {"COD": ["Zairean", "Zairian"], "ZWE": ["Rhodesian"], "DEU": ["West German"]}
# Seats of government under a former name or of a former era, as writers of their time name the
# government ("Peking said", "Bonn will provide"); cities that are also common words or other places
# (Salisbury, Lagos, Karachi) are left out.
FORMER_CAPITALS = {
    "CHN": ["Peking"], "MMR": ["Rangoon"], "DEU": ["Bonn"], "COD": ["Leopoldville", "Léopoldville"],
    "KAZ": ["Alma-Ata"], "VNM": ["Saigon"], "DDR": ["East Berlin", "Pankow"],
}

LATIN = re.compile(r"^[A-Za-z\u00C0-\u024F' .\-’()]+$")


def _is_latin(text: str) -> bool:
    return bool(LATIN.match(text))


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


SKIP_PLAIN = {_plain(a) for a in ALIAS_SKIP}
CAPITAL_SKIP_PLAIN = {_plain(a) for a in CAPITAL_SKIP}


def _strip_the(text: str) -> str:
    return text[4:] if text.lower().startswith("the ") else text


def _states() -> list[dict]:
    import pycountry
    from countryinfo import CountryInfo

    states = []
    for country in pycountry.countries:
        info = CountryInfo(country.alpha_3).info()
        codes = {country.alpha_2, country.alpha_3}
        names = [info.get("name"), country.name, getattr(country, "common_name", None),
                 getattr(country, "official_name", None)]
        alt = []
        for spelling in info.get("altSpellings") or []:
            if spelling in codes and spelling not in ABBREVIATIONS:
                continue
            alt.append(spelling)
        states.append({
            "code": country.alpha_3,
            "name": getattr(country, "common_name", None)
            or (country.name if "," not in country.name else info.get("name") or country.name),
            "names": [n for n in names + alt if n],
            "demonym": info.get("demonym") or "",
            "capital": info.get("capital") or "",
            "population": int(info.get("population") or 0),
        })
        states[-1]["names"] += FORMER_NAMES.get(country.alpha_3, [])
    historic = {c.alpha_3 for c in pycountry.historic_countries}
    dissolved = []
    for state in DISSOLVED_STATES:
        assert state["code"] in historic, f"{state['code']} is not an ISO 3166-3 code"
        dissolved.append({**state, "capital": "", "population": 0})
    return states + EXTRA_STATES + dissolved


def _alias_rows(states: list[dict]) -> list[dict]:
    candidates: dict[str, list[tuple[int, str, str]]] = {}

    def offer(alias: str, kind: str, state: dict) -> None:
        alias = _strip_the(alias.strip())
        if not alias or "," in alias or not _is_latin(alias):
            return
        if _plain(alias) in SKIP_PLAIN or (kind == "capital" and _plain(alias) in CAPITAL_SKIP_PLAIN):
            return
        if alias.isupper() and alias not in ABBREVIATIONS:
            return
        if len(alias) < 4 and alias not in ABBREVIATIONS:
            return
        key = unicodedata.normalize("NFC", alias).casefold()
        candidates.setdefault(key, []).append((state["population"], state["code"], alias, kind))

    for state in states:
        for name in state["names"]:
            offer(name, "name", state)
        demonym = state["demonym"]
        if demonym and " and " not in demonym:
            offer(demonym, "demonym", state)
        for former in FORMER_DEMONYMS.get(state["code"], []):
            offer(former, "demonym", state)
        capital = state["capital"]
        if capital:
            offer(capital, "capital", state)
        for former in FORMER_CAPITALS.get(state["code"], []):
            offer(former, "capital", state)

    rows = []
    for key in sorted(candidates):
        offers = candidates[key]
        # the most populous entry wins a shared alias; among one entry's offers a name beats a demonym
        kind_rank = {"name": 0, "demonym": 1, "capital": 2}
        population, code, alias, kind = sorted(offers, key=lambda o: (-o[0], kind_rank[o[3]], o[1]))[0]
        others = sorted({o[1] for o in offers} - {code})
        note = f"also {' '.join(others)} (smaller population)" if others else ""
        rows.append({"alias": alias, "actor_code": code, "alias_kind": kind, "match_case": "1", "note": note})
    return sorted(rows, key=lambda r: (r["actor_code"], r["alias_kind"], r["alias"]))


def render() -> dict[str, str]:
    states = sorted(_states(), key=lambda s: s["code"])
    actors = io.StringIO()
    writer = csv.DictWriter(actors, ["actor_code", "actor_name", "actor_kind"], lineterminator="\n")
    writer.writeheader()
    for state in states:
        writer.writerow({"actor_code": state["code"], "actor_name": state["name"], "actor_kind": "state"})
    aliases = io.StringIO()
    writer = csv.DictWriter(aliases, ["alias", "actor_code", "alias_kind", "match_case", "note"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(_alias_rows(states))
    return {"state_actors.csv": actors.getvalue(), "state_aliases.csv": aliases.getvalue()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed seeds are not a fresh run's")
    args = parser.parse_args(argv)
    stale = []
    for name, text in render().items():
        path = SEEDS / name
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote sql/seeds/{name}: {text.count(chr(10)) - 1} rows")
    if stale:
        print("stale: " + ", ".join(f"sql/seeds/{n}" for n in stale) + " (run tools/generate_state_seeds.py)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
