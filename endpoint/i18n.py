"""French and English for the pages: the language comes from ``?lang=``, a cookie, or Accept-Language."""

from __future__ import annotations

from flask import Flask, Response, g, request

from endpoint.messages import MESSAGES

LANGS = ("fr", "en")


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
            response.vary.update(["Accept-Language", "Cookie"])  # one Vary header, merged
        return response
