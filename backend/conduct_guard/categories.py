"""The nine category ids of shared/TAXONOMY.md, in the model's output order."""

CATEGORIES: tuple[str, ...] = (
    "official_information",
    "political_opinion",
    "criticism_of_government",
    "misinformation",
    "hate_speech",
    "national_security",
    "incitement_defamation",
    "privacy",
    "self_promotion",
)

# Plain words an officer reads on a warning card.
PLAIN_NAMES: dict[str, str] = {
    "official_information": "Official information",
    "political_opinion": "Political opinion",
    "criticism_of_government": "Criticism of government",
    "misinformation": "Unverified claim",
    "hate_speech": "Hateful or disparaging remark",
    "national_security": "National security or foreign relations",
    "incitement_defamation": "Incitement or defamation",
    "privacy": "Someone's personal data",
    "self_promotion": "Promoting a private business",
}
