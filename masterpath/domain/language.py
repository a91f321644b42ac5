"""Which language a short text is written in: offline, cheap and cautious. Pure.

Two signals, no model: the script of its letters (kana is Japanese, hangul Korean, Han alone
Chinese, Cyrillic Russian, and so on) and, for Latin script, how many of its words are
function words or everyday goal words of English, Spanish, French, German, Italian, Portuguese
or Dutch (plus letters only some of them use, such as ñ, ß or ç). A text with too little
evidence — a bare job title, "MLE", gibberish — is not called foreign: `detect` answers "" and
the caller treats it as written in the content's language. Words that are also common in
English ("a", "die", "me", "son", "pour") are left out of the other lists on purpose.
"""

from __future__ import annotations

import re
import unicodedata

NAMES = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "ja": "Japanese",
    "zh": "Chinese",
    "ko": "Korean",
    "ru": "Russian",
    "uk": "Ukrainian",
    "ar": "Arabic",
    "he": "Hebrew",
    "el": "Greek",
    "hi": "Hindi",
    "th": "Thai",
}

WORDS = {
    "en": """the to of and in for with on at from by as is are be become becoming want would
        like i i'm im my me we our an a this that it how what who which into learn learning get
        make do does can will should need""",
    "es": """de el los las del al y o para por con sin que quiero quisiera ser estar soy estoy mi
        mis una uno unos unas como es en ingeniero ingeniera arquitecto arquitecta desarrollador
        aprendizaje automático inteligencia datos trabajo trabajar llegar convertirme aprender
        equipo líder técnico enfermera enfermero panadero cocinero también pero muy más""",
    "fr": """de le les des du au aux et ou pour avec sans que qui je veux voudrais être suis mon ma
        mes une dans est devenir ingénieur ingénieure architecte développeur apprentissage
        automatique intelligence données travail travailler apprendre équipe chef technique
        paysagiste boulanger infirmière infirmier aussi mais très plus""",
    "de": """der das den dem des und oder für mit ohne ich möchte will werden bin mein meine
        ein eine einen ist im zum zur als wie ingenieur ingenieurin architekt entwickler
        maschinelles lernen künstliche intelligenz daten arbeit arbeiten lernen team leiter
        bäcker krankenpfleger krankenschwester auch aber sehr mehr""",
    "it": """di il lo gli della dello degli delle e o per con senza che voglio vorrei essere sono
        mio mia una uno è nel nella come diventare ingegnere architetto sviluppatore
        apprendimento automatico intelligenza artificiale dati lavoro lavorare imparare squadra
        anche ma molto più""",
    "pt": """de o os as do da dos das e ou para com sem que eu quero queria ser sou estou meu minha
        uma um é na em como tornar virar engenheiro engenheira arquiteto desenvolvedor
        aprendizado aprendizagem automático inteligência dados trabalho trabalhar aprender
        equipe também mas muito mais""",
    "nl": """de het een en of voor met zonder dat ik wil wil graag worden ben mijn is van als
        hoe ingenieur architect ontwikkelaar machinaal leren kunstmatige intelligentie
        gegevens werk werken team ook maar heel meer""",
}
# Words the other lists would otherwise count although English goals use them all the time.
SHARED = """engineer developer lead team architect data machine intelligence artificial
    technical no come plus art pure job role work"""
LETTERS = {"es": "ñ¿¡", "fr": "çœèêë", "de": "ßäöü", "pt": "ãõ", "it": "ìò"}
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
MIN_EVIDENCE = 2  # foreign words (or letters) needed before a text is called foreign


def _lists() -> dict[str, frozenset[str]]:
    english = frozenset(WORDS["en"].split()) | frozenset(SHARED.split())
    return {
        lang: frozenset(WORDS[lang].split()) - (english if lang != "en" else frozenset())
        for lang in WORDS
    }


LISTS = _lists()


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    for prefix, lang in (
        ("HIRAGANA", "ja"),
        ("KATAKANA", "ja"),
        ("HANGUL", "ko"),
        ("CJK", "zh"),
        ("CYRILLIC", "ru"),
        ("ARABIC", "ar"),
        ("HEBREW", "he"),
        ("GREEK", "el"),
        ("DEVANAGARI", "hi"),
        ("THAI", "th"),
        ("LATIN", "latin"),
    ):
        if name.startswith(prefix):
            return lang
    return ""


def script(text: str) -> str:
    """The language a non-Latin script implies ("" for Latin script or too few letters)."""
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            found = _script(char)
            counts[found] = counts.get(found, 0) + 1
    letters = sum(counts.values())
    foreign = {k: v for k, v in counts.items() if k not in {"latin", ""}}
    if not letters or sum(foreign.values()) < max(2, 0.3 * letters):
        return ""
    if "ja" in foreign:
        return "ja"  # Japanese mixes kana with Han characters
    if "ru" in foreign and any(c in text.lower() for c in "їієґ"):
        return "uk"
    return max(foreign, key=lambda k: foreign[k])


def detect(text: str) -> str:
    """The language of `text` as an ISO 639-1 code, or "" when the evidence is too thin."""
    found = script(text)
    if found:
        return found
    lowered = text.lower()
    words = WORD.findall(lowered)
    scores = {lang: sum(w in listed for w in words) for lang, listed in LISTS.items()}
    for lang, letters in LETTERS.items():
        scores[lang] += sum(ch in letters for ch in lowered)
    best = max((lang for lang in scores if lang != "en"), key=lambda k: (scores[k], k))
    if scores[best] >= MIN_EVIDENCE and scores[best] > scores["en"]:
        return best
    return "en" if scores["en"] else ""


def name(code: str) -> str:
    """A language's English name ("Spanish" for "es"); the code itself when unknown."""
    return NAMES.get(code, code)
