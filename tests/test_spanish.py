"""A participant who reads Spanish gets Trellis in Spanish: pages, scales, skills, the crisis
page, push texts and e-mail, with dates and times as Spanish is written in the US."""

import html
import os
import re
from datetime import date, datetime, time
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale

from app.formatting import format_clock, format_day, format_instant
from app.i18n import compile_catalogues, locale_for
from app.push import kinds, payload
from app.skills import catalogue
from tests.conftest import post_form
from tests.test_formats_on_pages import IANA_ZONE, ISO_DATE


@pytest.fixture
def spanish(db, world):
    """Participant A, who chose Spanish."""
    world.participant_a.language = "es"
    db.session.commit()
    return world.participant_a


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.mark.parametrize("url, spanish_text, english_text", [
    ("/today", "Hacer el registro", "Log a skill"),
    ("/checkin", "¿Cómo está su estado de ánimo?", "How is your mood?"),
    ("/skills", "Buscar una habilidad", "Find a skill"),
    ("/crisis", "Llame al 988, la Línea de Prevención del Suicidio y Crisis",
     "Suicide &amp; Crisis Lifeline"),
    ("/me", "¿Cómo quiere que le llamemos?", "What should we call you?"),
])
def test_a_spanish_participant_reads_the_main_pages_in_spanish(
        client, login_as, spanish, url, spanish_text, english_text):
    login_as(spanish)
    html = _page(client, url)
    assert '<html lang="es">' in html
    assert spanish_text in html
    assert english_text not in html
    # The navigation too: Today, Skills, Me.
    assert ">Hoy<" in html and ">Habilidades<" in html and ">Mi cuenta<" in html


def test_an_english_participant_still_reads_english(client, login_as, world):
    login_as(world.participant_a)
    html = _page(client, "/checkin")
    assert '<html lang="en">' in html and "How is your mood?" in html


def test_before_sign_in_the_browser_language_decides(client):
    spanish = client.get("/signin", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    html = spanish.get_data(as_text=True)
    assert '<html lang="es">' in html and "Iniciar sesión" in html
    english = client.get("/signin", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in english.get_data(as_text=True)


def test_phq9_in_its_published_spanish_wording(client, login_as, spanish):
    login_as(spanish)
    html = _page(client, "/checkin/scales/phq9")
    for text in (
        "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los "
        "siguientes problemas?",
        "Poco interés o placer en hacer cosas",
        "Se ha sentido decaído(a), deprimido(a) o sin esperanzas",
        "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera",
        "Ningún día", "Varios días", "Más de la mitad de los días", "Casi todos los días",
        "No ha sido difícil", "Extremadamente difícil",
    ):
        assert text in html, text
    assert "Little interest or pleasure" not in html


def test_gad7_in_its_published_spanish_wording(client, login_as, spanish):
    login_as(spanish)
    html = _page(client, "/checkin/scales/gad7")
    assert "Se ha sentido nervioso(a), ansioso(a) o con los nervios de punta" in html
    assert "Ha tenido miedo de que algo terrible fuera a pasar" in html


def test_the_crisis_page_gives_988s_spanish_options(client, login_as, spanish):
    login_as(spanish)
    html = _page(client, "/crisis")
    assert "llame al 988 y marque 2" in html
    assert "envíe AYUDA por mensaje de texto al 988" in html
    # The text button starts the message with AYUDA, which reaches Spanish-speaking counsellors.
    assert 'href="sms:988?body=AYUDA"' in html


def test_the_english_crisis_page_names_the_spanish_options_too(client):
    html = _page(client, "/crisis")
    assert "In Spanish: call 988 and press 2, or text AYUDA to 988." in html
    assert 'href="sms:988"' in html


def test_skills_sync_loads_the_spanish_text_and_each_reader_sees_their_own(
        client, login_as, spanish, world, db):
    report = catalogue.sync()
    assert "urge-surfing" in report.added
    login_as(spanish)
    html = _page(client, "/skills/urge-surfing")
    assert "Surfear el impulso" in html
    assert "Imagine el impulso como una ola." in html
    assert "Urge surfing" not in html
    listing = _page(client, "/skills?q=surfear")  # search reads the Spanish names too
    assert "Surfear el impulso" in listing
    post_form(client, "/signout")
    login_as(world.participant_b)
    assert "Urge surfing" in _page(client, "/skills/urge-surfing")


def test_every_catalogue_skill_has_complete_spanish():
    for entry in catalogue.shipped().values():
        spanish = entry.text.translations["es"]
        assert spanish["name"] and spanish["use_when"], entry.key
        assert len(spanish["steps"]) == len(entry.text.steps), entry.key


def test_a_catalogue_translation_with_a_missing_step_is_refused():
    document = {"skills": [{
        "key": "tiny", "category": "mindfulness", "name": "Tiny", "use_when": "Use it now.",
        "steps": ["One.", "Two.", "Three."], "minutes": 1,
        "translations": {"es": {"name": "Mínima", "use_when": "Úsela ya.",
                                "steps": ["Uno.", "Dos."]}},
    }]}
    with pytest.raises(catalogue.CatalogueError, match="translations: es: give the same 3"):
        catalogue.parse(document)


def test_push_texts_are_written_in_the_recipients_language(app):
    with app.test_request_context():
        context = {"what": "group", "at": "10:00", "day": "2026-11-30"}
        body, _actions = payload.texts(kinds.KINDS["session"], context, True, "es")
        assert body == "Grupo a las 10:00\u202fa.m. — toque para ver"
        discreet, actions = payload.texts(kinds.KINDS["checkin"], {}, False, "es")
        assert discreet == "Tiene un recordatorio"
        assert actions and all(title.startswith("Recordarme en") for _a, title in actions)
        english, _actions = payload.texts(kinds.KINDS["checkin"], {}, False, "en")
        assert english == "You have a reminder"
        message = payload.build(kinds.KINDS["checkin"], reminder_id=1, context={},
                                detailed=False, app_name="Trellis", language="es",
                                origin=None)
        assert b'"lang": "es"' in message or b'"lang":"es"' in message


def test_spanish_dates_times_and_numbers(app):
    from flask_babel import format_number

    with app.test_request_context(), force_locale(locale_for("es")):
        assert format_day(date(2026, 11, 30), "full") == "lunes, 30 de noviembre de 2026"
        assert format_day(date(2026, 11, 30), "date") == "30 nov 2026"
        assert format_day(date(2026, 11, 30), "short") == "lun, 30 de nov"
        assert format_clock(time(21, 5)) == "9:05\u202fp.m."
        instant = datetime(2026, 11, 30, 14, 12, tzinfo=ZoneInfo("UTC"))
        assert format_instant(instant, "America/New_York") == "30 nov 2026, 9:12\u202fa.m."
        assert format_number(2000) == "2,000"  # as US Spanish writes it, not 2.000


def test_the_language_select_names_each_language_in_itself(client, login_as, spanish):
    login_as(spanish)
    html = _page(client, "/me")
    assert re.search(r'<option[^>]*lang="en"[^>]*>English</option>', html)
    assert re.search(r'<option[^>]*lang="es"[^>]*selected[^>]*>Español</option>', html) or \
        re.search(r'<option[^>]*selected[^>]*lang="es"[^>]*>Español</option>', html)


def test_choosing_spanish_on_me_switches_the_whole_app(client, login_as, world, db):
    login_as(world.participant_a)
    response = post_form(client, "/me/profile", {"profile-display_name": "Al",
                                                 "profile-language": "es"})
    assert response.status_code == 302
    db.session.refresh(world.participant_a)
    assert world.participant_a.language == "es"
    html = _page(client, "/me")
    assert '<html lang="es">' in html and "Guardado." in html


def test_a_bad_language_gets_a_spanish_error_and_keeps_what_was_typed(
        client, login_as, spanish, db):
    login_as(spanish)
    response = post_form(client, "/me/profile", {"profile-display_name": "Alicia",
                                                 "profile-language": "xx"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Elija un idioma de la lista." in html
    assert 'value="Alicia"' in html  # the new name is still in the field
    db.session.refresh(spanish)
    assert spanish.language == "es" and spanish.display_name == "Participant A"


def test_the_password_email_is_in_the_persons_language(app, spanish, world):
    from app.auth import reset

    with app.test_request_context():
        spanish_mail = reset._message(spanish, "https://trellis.test/reset/abc")
        english_mail = reset._message(world.participant_b, "https://trellis.test/reset/def")
    assert spanish_mail.subject == "Su contraseña de Trellis"
    assert spanish_mail.body.startswith("Hola:") and "abra este enlace" in spanish_mail.body
    assert english_mail.subject == "Your Trellis password"


def test_catalogues_compile_when_missing_or_older_and_not_otherwise(tmp_path):
    source = tmp_path / "source" / "es" / "LC_MESSAGES"
    source.mkdir(parents=True)
    po = source / "messages.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                  'msgid "Hello"\nmsgstr "Hola"\n', encoding="utf-8")
    target = tmp_path / "compiled"
    written = compile_catalogues(tmp_path / "source", target)
    mo = target / "es" / "LC_MESSAGES" / "messages.mo"
    assert written == [mo] and b"Hola" in mo.read_bytes()
    assert compile_catalogues(tmp_path / "source", target) == []  # up to date: left alone
    later = mo.stat().st_mtime_ns + 10**9
    os.utime(po, ns=(later, later))  # the catalogue changed after it was compiled
    assert compile_catalogues(tmp_path / "source", target) == [mo]


#: Words every English sentence is full of and Spanish never uses ("no" is both, so not here).
ENGLISH_WORDS = {"the", "your", "you", "and", "with", "what", "this", "please", "have", "been",
                 "will", "are", "is", "it", "of", "on", "at", "or", "not", "can", "be", "for",
                 "from", "today", "when", "was", "there"}


class _TrellisText(HTMLParser):
    """The text Trellis itself writes on a page: no scripts or styles, and not what people
    wrote (user text is inside `hx-disable` elements), which stays in its own language."""

    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "col", "wbr"}

    def __init__(self):
        super().__init__()
        self.hidden, self.stack, self.parts = 0, [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        hides = tag in ("script", "style", "textarea", "title") or \
            any(name == "hx-disable" for name, _value in attrs)
        self.hidden += hides
        self.stack.append((tag, hides))

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, hides = self.stack.pop()
            self.hidden -= hides
            if open_tag == tag:
                break

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def trellis_text(page: str) -> str:
    """What Trellis wrote on the page, as one line."""
    parser = _TrellisText()
    parser.feed(page)
    return re.sub(r"\s+", " ", html.unescape(" ".join(parser.parts)))


def english_on(page: str) -> list[str]:
    """English words in what Trellis wrote on the page, each with some context."""
    text = trellis_text(page)
    return [text[max(0, m.start() - 40):m.end() + 40] for m in re.finditer(r"\b\w+\b", text)
            if m.group().lower() in ENGLISH_WORDS]


#: A clock without "a.m."/"p.m." after it: Spanish in the US reads 9:12 a.m., not 09:12.
CLOCK_24H_ES = re.compile(r"\b(?:[01]?\d|2[0-3]):[0-5]\d\b(?![\s\u202f]?[ap]\.\s?m\.)")


def format_problems_on(page: str) -> list[str]:
    """ISO dates, 24-hour clocks and IANA zone names in what a Spanish reader sees."""
    text = trellis_text(page)
    return [text[max(0, m.start() - 30):m.end() + 30]
            for pattern in (ISO_DATE, IANA_ZONE, CLOCK_24H_ES) for m in pattern.finditer(text)]


def test_the_format_check_wants_spanish_twelve_hour_clocks():
    assert format_problems_on("<p>lun, 30 de nov, 21:05</p>")
    assert format_problems_on("<p>desde 2026-11-08 (America/New_York)</p>")
    assert not format_problems_on("<p>30 nov 2026, 9:12\u202fa.m. · 9:05 p.m.</p>")


def test_the_english_check_sees_english_but_not_spanish_or_peoples_words():
    assert english_on("<p>Your care team can read this.</p>")
    assert not english_on("<p>Su equipo de atención puede leer esto. ¿Qué notó? No.</p>")
    assert not english_on('<p hx-disable>Rough week? Call me</p><p>Mensaje</p>')


@pytest.mark.rendering
def test_every_page_a_spanish_participant_reaches_is_spanish_with_spanish_formats(
        app, runner, db):
    from collections import deque
    from urllib.parse import urlsplit

    import sqlalchemy as sa

    from app.models import User

    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    alex = db.session.scalar(sa.select(User).where(User.email == "alex@example.org"))
    alex.language = "es"
    db.session.commit()
    client = app.test_client()
    assert post_form(client, "/signin", {"email": "alex@example.org",
                                         "password": "trellis-demo-password"}).status_code == 302
    post_form(client, "/consent", {"accept": "y"})
    skip = (".ics", ".csv", ".json", ".js", ".webmanifest", "/static/", "/calendar/",
            "/healthz", "/signout")
    seen, queue, found = {"/today"}, deque(["/today"]), {}
    while queue and len(seen) <= 250:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = response.get_data(as_text=True)
        if problems := english_on(page) + format_problems_on(page):
            found[url] = problems[:3]
        for link in re.findall(r'<a\b[^>]*\bhref="([^"]+)"', page):
            parts = urlsplit(html.unescape(link))
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if not parts.scheme and not parts.netloc and parts.path.startswith("/") \
                    and target not in seen and not any(s in target for s in skip):
                seen.add(target)
                queue.append(target)
    assert len(seen) > 50  # Today, check-in, scales, skills, schedule, progress, Me, crisis…
    assert found == {}
