#!/usr/bin/env python3
"""An independent reading of SPEC §1–§2 and §5, for cross-checking `postbatch stats`.

Written from the SPEC alone with Python's csv module, so that a disagreement with the
Swift implementation points at a misreading in one of them. Prints the §5 JSON.

usage: reference_stats.py INPUT.csv [--first-day 2021-10-06] [--waves 3]
"""
import csv, datetime, io, json, sys

ALIASES = {
    "cpr": ["cpr", "pnr", "cpr_nr", "personnummer"], "name": ["name", "navn"],
    "co_name": ["co_name", "co", "co_navn"], "street": ["street", "adresse", "address"],
    "postal_code": ["postal_code", "postnr"], "city": ["city", "by", "postdistrikt"],
    "country": ["country", "land"], "cpr_status": ["cpr_status", "status"],
    "address_protected": ["address_protected", "adressebeskyttet"],
    "has_online_banking": ["has_online_banking", "netbank", "har_netbank"],
    "needs_id_update": ["needs_id_update", "skal_opdatere_id"],
    "has_key_app": ["has_key_app", "noegleapp", "har_noegleapp"],
    "digital_post_exempt": ["digital_post_exempt", "fritaget", "fritaget_digital_post"],
    "language": ["language", "sprog"],
}
REQUIRED = ["cpr", "name", "has_online_banking", "needs_id_update"]
TRUE = {"1", "true", "yes", "y", "ja", "j", "x"}
FALSE = {"0", "false", "no", "n", "nej"}
SEND = {"01", "03", "05", "07", "20", "80"}
ISO = set("""AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW""".split())
NAMES = {"danmark": "DK", "grønland": "GL", "færøerne": "FO"}
WS = " \t\r\n\v\f"


def cpr_date(d):
    dd, mm, yy, c = int(d[0:2]), int(d[2:4]), int(d[4:6]), int(d[6])
    if c <= 3: year = 1900 + yy
    elif c in (4, 9): year = 2000 + yy if yy <= 36 else 1900 + yy
    else: year = 2000 + yy if yy <= 57 else 1800 + yy
    try:
        datetime.date(year, mm, dd)
        return True
    except ValueError:
        return False


def main():
    args = sys.argv[1:]
    path = args[0]
    first = datetime.date.fromisoformat(args[args.index("--first-day") + 1]) if "--first-day" in args else datetime.date(2021, 10, 6)
    waves = int(args[args.index("--waves") + 1]) if "--waves" in args else 3
    text = open(path, encoding="utf-8-sig", newline="").read()
    header_line = text.split("\n", 1)[0]
    delim = "," if header_line.count(",") > header_line.count(";") else ";"
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    header = [h.strip(WS).lower() for h in rows[0]]
    col = {}
    for field, names in ALIASES.items():
        for i, h in enumerate(header):
            if h in names:
                col[field] = i
    seen = set()
    digital_index = 0
    out = {"records": 0, "letters": {"total": 0, "by_group": {str(g): 0 for g in range(1, 6)},
           "by_channel": {"digital": 0, "print": 0},
           "by_group_channel": {str(g): {"digital": 0, "print": 0} for g in range(1, 6)},
           "by_language": {"da": 0, "en": 0}, "by_date": {}},
           "skipped": {"total": 0, "by_reason": {}}, "rejected": {"total": 0, "by_reason": {}},
           "warnings": {"cpr_no_mod11": 0}}

    def reject(reason):
        out["rejected"]["total"] += 1
        out["rejected"]["by_reason"][reason] = out["rejected"]["by_reason"].get(reason, 0) + 1

    for row in rows[1:]:
        if row == [] or row == [""]:
            continue
        out["records"] += 1
        if len(row) != len(header):
            reject("malformed_row"); continue
        get = lambda f: row[col[f]].strip(WS) if f in col else ""
        cpr = get("cpr")
        digits = cpr.replace("-", "", 1) if len(cpr) == 11 and cpr[6] == "-" else cpr
        if len(digits) != 10 or not all(ch in "0123456789" for ch in digits):
            reject("invalid_cpr"); continue
        if not cpr_date(digits):
            reject("invalid_cpr_date"); continue
        name = get("name")
        if name == "":
            reject("missing_name"); continue
        if len(name) > 130 or any(ord(ch) < 32 or 127 <= ord(ch) <= 159 for ch in name):
            reject("invalid_name"); continue
        flags, bad = {}, False
        for f in ["address_protected", "has_online_banking", "needs_id_update", "has_key_app", "digital_post_exempt"]:
            v = get(f).lower()
            if v == "":
                if f in REQUIRED: bad = True
                flags[f] = False
            elif v in TRUE: flags[f] = True
            elif v in FALSE: flags[f] = False
            else: bad = True
        if bad:
            reject("invalid_boolean"); continue
        status = get("cpr_status") or "01"
        if len(status) != 2 or not all(ch in "0123456789" for ch in status):
            reject("invalid_status"); continue
        lang = (get("language") or "da").lower()
        if lang not in ("da", "en"):
            reject("invalid_language"); continue
        country = get("country")
        if country == "": code = "DK"
        elif len(country) == 2 and country.upper() in ISO: code = country.upper()
        elif country.lower() in NAMES: code = NAMES[country.lower()]
        else:
            reject("invalid_country"); continue
        if digits in seen:
            reject("duplicate_cpr"); continue
        paper = status in SEND and flags["digital_post_exempt"]
        if paper:
            street, postal, city = get("street"), get("postal_code"), get("city")
            if not street or not postal or not city:
                reject("missing_address"); continue
            need = {"DK": 4, "GL": 4, "FO": 3}.get(code)
            if need and (len(postal) != need or not all(ch in "0123456789" for ch in postal)):
                reject("invalid_postal_code"); continue
        seen.add(digits)
        weights = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1]
        if sum(int(d) * w for d, w in zip(digits, weights)) % 11 != 0:
            out["warnings"]["cpr_no_mod11"] += 1
        if status not in SEND:
            out["skipped"]["total"] += 1
            r = "status_" + status
            out["skipped"]["by_reason"][r] = out["skipped"]["by_reason"].get(r, 0) + 1
            continue
        upd, key, bank = flags["needs_id_update"], flags["has_key_app"], flags["has_online_banking"]
        if not upd and bank: g = 1
        elif upd and key and bank: g = 2
        elif not upd and not bank: g = 3
        elif upd and key and not bank: g = 4
        else: g = 5
        if paper:
            channel, date = "print", first + datetime.timedelta(days=waves)
        else:
            channel, date = "digital", first + datetime.timedelta(days=digital_index % waves)
            digital_index += 1
        L = out["letters"]
        L["total"] += 1
        L["by_group"][str(g)] += 1
        L["by_channel"][channel] += 1
        L["by_group_channel"][str(g)][channel] += 1
        L["by_language"][lang] += 1
        L["by_date"][date.isoformat()] = L["by_date"].get(date.isoformat(), 0) + 1
    json.dump(out, sys.stdout, indent=2, sort_keys=True)
    print()


main()
