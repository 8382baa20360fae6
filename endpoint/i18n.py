"""French and English for the pages: the language comes from ``?lang=``, a cookie, or Accept-Language."""

from __future__ import annotations

from flask import Flask, Response, g, request

LANGS = ("fr", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "site_title": {
        "fr": "Rally'nov — graphe de connaissances ouvert",
        "en": "Rally'nov — open knowledge graph",
    },
    "home": {"fr": "Accueil", "en": "Home"},
    "sparql": {"fr": "Requêtes SPARQL", "en": "SPARQL queries"},
    "queries": {"fr": "Requêtes nommées", "en": "Named queries"},
    "map": {"fr": "Carte", "en": "Map"},
    "network": {"fr": "Réseaux", "en": "Networks"},
    "grid": {"fr": "Grille", "en": "Grid"},
    "catalog": {"fr": "Catalogue", "en": "Catalog"},
    "downloads": {"fr": "Téléchargements", "en": "Downloads"},
    "ontology": {"fr": "Ontologie", "en": "Ontology"},
    "error": {"fr": "Erreur", "en": "Error"},
    "back_home": {"fr": "Retour à l'accueil", "en": "Back to the home page"},
    "switch_lang": {"fr": "English", "en": "Français"},
}


def current_lang() -> str:
    lang = getattr(g, "lang", None)
    if lang:
        return str(lang)
    asked = request.args.get("lang") or request.cookies.get("lang")
    if asked not in LANGS:
        asked = request.accept_languages.best_match(LANGS) or "fr"
    g.lang = asked
    return asked


def t(key: str) -> str:
    """The message ``key`` in the current language (the key itself if unknown)."""
    return MESSAGES.get(key, {}).get(current_lang(), key)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        t=t, current_lang=current_lang, other_lang=lambda: "en" if current_lang() == "fr" else "fr"
    )

    @app.after_request
    def _remember(response: Response) -> Response:
        asked = request.args.get("lang")
        if asked in LANGS:
            response.set_cookie("lang", asked, samesite="Lax")
        if response.mimetype == "text/html":
            response.headers.add("Vary", "Accept-Language, Cookie")
        return response
