extension Country {
    /// The country line of a paper address block (SPEC §2): the Danish name in capitals.
    ///
    /// A fixed table (made once from the CLDR Danish names that ICU gives) rather than a
    /// look-up at run time, so the block, and whether it fits, never depends on the ICU
    /// version of the machine. Two names are longer than a block line (34 characters):
    /// `GS` and `TF`; an address there is rejected as `address_too_long`.
    ///
    /// - Returns: `TYSKLAND` for `DE`, `GRØNLAND` for `GL`; the code itself for a code
    ///   outside the table.
    static func danishName(_ code: String) -> String {
        danishNames[code] ?? code
    }

    private static let danishNames: [String: String] = [
        "AD": "ANDORRA", "AE": "DE FORENEDE ARABISKE EMIRATER", "AF": "AFGHANISTAN",
        "AG": "ANTIGUA OG BARBUDA", "AI": "ANGUILLA", "AL": "ALBANIEN", "AM": "ARMENIEN", "AO": "ANGOLA",
        "AQ": "ANTARKTIS", "AR": "ARGENTINA", "AS": "AMERIKANSK SAMOA", "AT": "ØSTRIG", "AU": "AUSTRALIEN",
        "AW": "ARUBA", "AX": "ÅLAND", "AZ": "ASERBAJDSJAN", "BA": "BOSNIEN-HERCEGOVINA", "BB": "BARBADOS",
        "BD": "BANGLADESH", "BE": "BELGIEN", "BF": "BURKINA FASO", "BG": "BULGARIEN", "BH": "BAHRAIN",
        "BI": "BURUNDI", "BJ": "BENIN", "BL": "SAINT BARTHÉLEMY", "BM": "BERMUDA", "BN": "BRUNEI",
        "BO": "BOLIVIA", "BQ": "DE TIDLIGERE NEDERLANDSKE ANTILLER", "BR": "BRASILIEN", "BS": "BAHAMAS",
        "BT": "BHUTAN", "BV": "BOUVETØEN", "BW": "BOTSWANA", "BY": "BELARUS", "BZ": "BELIZE",
        "CA": "CANADA", "CC": "COCOSØERNE", "CD": "CONGO-KINSHASA", "CF": "DEN CENTRALAFRIKANSKE REPUBLIK",
        "CG": "CONGO-BRAZZAVILLE", "CH": "SCHWEIZ", "CI": "CÔTE D’IVOIRE", "CK": "COOKØERNE",
        "CL": "CHILE", "CM": "CAMEROUN", "CN": "KINA, FASTLANDET", "CO": "COLOMBIA", "CR": "COSTA RICA",
        "CU": "CUBA", "CV": "KAP VERDE", "CW": "CURAÇAO", "CX": "JULEØEN", "CY": "CYPERN",
        "CZ": "TJEKKIET", "DE": "TYSKLAND", "DJ": "DJIBOUTI", "DK": "DANMARK", "DM": "DOMINICA",
        "DO": "DEN DOMINIKANSKE REPUBLIK", "DZ": "ALGERIET", "EC": "ECUADOR", "EE": "ESTLAND",
        "EG": "EGYPTEN", "EH": "VESTSAHARA", "ER": "ERITREA", "ES": "SPANIEN", "ET": "ETIOPIEN",
        "FI": "FINLAND", "FJ": "FIJI", "FK": "FALKLANDSØERNE", "FM": "MIKRONESIEN", "FO": "FÆRØERNE",
        "FR": "FRANKRIG", "GA": "GABON", "GB": "STORBRITANNIEN", "GD": "GRENADA", "GE": "GEORGIEN",
        "GF": "FRANSK GUYANA", "GG": "GUERNSEY", "GH": "GHANA", "GI": "GIBRALTAR", "GL": "GRØNLAND",
        "GM": "GAMBIA", "GN": "GUINEA", "GP": "GUADELOUPE", "GQ": "ÆKVATORIALGUINEA", "GR": "GRÆKENLAND",
        "GS": "SOUTH GEORGIA OG DE SYDLIGE SANDWICHØER", "GT": "GUATEMALA", "GU": "GUAM",
        "GW": "GUINEA-BISSAU", "GY": "GUYANA", "HK": "HONGKONG", "HM": "HEARD ISLAND OG MCDONALD ISLANDS",
        "HN": "HONDURAS", "HR": "KROATIEN", "HT": "HAITI", "HU": "UNGARN", "ID": "INDONESIEN",
        "IE": "IRLAND", "IL": "ISRAEL", "IM": "ISLE OF MAN", "IN": "INDIEN", "IO": "CHAGOSØERNE",
        "IQ": "IRAK", "IR": "IRAN", "IS": "ISLAND", "IT": "ITALIEN", "JE": "JERSEY", "JM": "JAMAICA",
        "JO": "JORDAN", "JP": "JAPAN", "KE": "KENYA", "KG": "KIRGISISTAN", "KH": "CAMBODJA",
        "KI": "KIRIBATI", "KM": "COMORERNE", "KN": "SAINT KITTS OG NEVIS", "KP": "NORDKOREA",
        "KR": "SYDKOREA", "KW": "KUWAIT", "KY": "CAYMANØERNE", "KZ": "KASAKHSTAN", "LA": "LAOS",
        "LB": "LIBANON", "LC": "SAINT LUCIA", "LI": "LIECHTENSTEIN", "LK": "SRI LANKA", "LR": "LIBERIA",
        "LS": "LESOTHO", "LT": "LITAUEN", "LU": "LUXEMBOURG", "LV": "LETLAND", "LY": "LIBYEN",
        "MA": "MAROKKO", "MC": "MONACO", "MD": "MOLDOVA", "ME": "MONTENEGRO", "MF": "SAINT MARTIN",
        "MG": "MADAGASKAR", "MH": "MARSHALLØERNE", "MK": "NORDMAKEDONIEN", "ML": "MALI",
        "MM": "MYANMAR (BURMA)", "MN": "MONGOLIET", "MO": "MACAO", "MP": "NORDMARIANERNE",
        "MQ": "MARTINIQUE", "MR": "MAURETANIEN", "MS": "MONTSERRAT", "MT": "MALTA", "MU": "MAURITIUS",
        "MV": "MALDIVERNE", "MW": "MALAWI", "MX": "MEXICO", "MY": "MALAYSIA", "MZ": "MOZAMBIQUE",
        "NA": "NAMIBIA", "NC": "NY KALEDONIEN", "NE": "NIGER", "NF": "NORFOLK ISLAND", "NG": "NIGERIA",
        "NI": "NICARAGUA", "NL": "NEDERLANDENE", "NO": "NORGE", "NP": "NEPAL", "NR": "NAURU", "NU": "NIUE",
        "NZ": "NEW ZEALAND", "OM": "OMAN", "PA": "PANAMA", "PE": "PERU", "PF": "FRANSK POLYNESIEN",
        "PG": "PAPUA NY GUINEA", "PH": "FILIPPINERNE", "PK": "PAKISTAN", "PL": "POLEN",
        "PM": "SAINT PIERRE OG MIQUELON", "PN": "PITCAIRN", "PR": "PUERTO RICO",
        "PS": "DE PALÆSTINENSISKE OMRÅDER", "PT": "PORTUGAL", "PW": "PALAU", "PY": "PARAGUAY",
        "QA": "QATAR", "RE": "RÉUNION", "RO": "RUMÆNIEN", "RS": "SERBIEN", "RU": "RUSLAND", "RW": "RWANDA",
        "SA": "SAUDI-ARABIEN", "SB": "SALOMONØERNE", "SC": "SEYCHELLERNE", "SD": "SUDAN", "SE": "SVERIGE",
        "SG": "SINGAPORE", "SH": "ST. HELENA", "SI": "SLOVENIEN", "SJ": "SVALBARD OG JAN MAYEN",
        "SK": "SLOVAKIET", "SL": "SIERRA LEONE", "SM": "SAN MARINO", "SN": "SENEGAL", "SO": "SOMALIA",
        "SR": "SURINAM", "SS": "SYDSUDAN", "ST": "SÃO TOMÉ OG PRÍNCIPE", "SV": "EL SALVADOR",
        "SX": "SINT MAARTEN", "SY": "SYRIEN", "SZ": "ESWATINI", "TC": "TURKS- OG CAICOSØERNE",
        "TD": "TCHAD", "TF": "DE FRANSKE BESIDDELSER I DET SYDLIGE INDISKE OCEAN OG ANTARKTIS",
        "TG": "TOGO", "TH": "THAILAND", "TJ": "TADSJIKISTAN", "TK": "TOKELAU", "TL": "TIMOR-LESTE",
        "TM": "TURKMENISTAN", "TN": "TUNESIEN", "TO": "TONGA", "TR": "TYRKIET", "TT": "TRINIDAD OG TOBAGO",
        "TV": "TUVALU", "TW": "TAIWAN", "TZ": "TANZANIA", "UA": "UKRAINE", "UG": "UGANDA",
        "UM": "AMERIKANSKE OVERSØISKE ØER", "US": "USA", "UY": "URUGUAY", "UZ": "USBEKISTAN",
        "VA": "VATIKANSTATEN", "VC": "SAINT VINCENT OG GRENADINERNE", "VE": "VENEZUELA",
        "VG": "DE BRITISKE JOMFRUØER", "VI": "DE AMERIKANSKE JOMFRUØER", "VN": "VIETNAM", "VU": "VANUATU",
        "WF": "WALLIS OG FUTUNA", "WS": "SAMOA", "YE": "YEMEN", "YT": "MAYOTTE", "ZA": "SYDAFRIKA",
        "ZM": "ZAMBIA", "ZW": "ZIMBABWE",
    ]
}
