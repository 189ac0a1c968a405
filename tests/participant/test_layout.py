"""The participant layout, the crisis page and the Me page."""

import sqlalchemy as sa

from app.models import User
from tests.conftest import PASSWORD, post_form

NAV = ["/today", "/schedule", "/checkin", "/skills", "/me"]


def test_every_participant_page_has_bottom_navigation_and_the_crisis_button(client, world,
                                                                           login_as):
    login_as(world.participant_a)
    for path in NAV:
        html = client.get(path).get_data(as_text=True)
        assert 'class="bottom-nav"' in html, path
        for target in NAV:
            assert f'href="{target}"' in html
        assert 'href="/crisis"' in html and "Need help now?" in html
        assert 'href="tel:+15550100100"' in html  # the program's "Call us"
        assert f'href="{path}" aria-current="page"' in html


def test_crisis_page_works_without_signing_in(client):
    response = client.get("/crisis")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for link in ('href="tel:988"', 'href="sms:988"', 'href="tel:911"'):
        assert link in html
    assert "not monitored around the clock" in html
    assert 'href="/signin"' in html and "Back to sign in" in html  # a way back in


def test_crisis_page_shows_the_programs_phone_and_its_own_words(client, world, login_as, db):
    world.iop.crisis_text = "Our nurse answers 8am-6pm. <script>alert(1)</script>"
    db.session.commit()
    login_as(world.participant_a)
    html = client.get("/crisis").get_data(as_text=True)
    assert 'href="tel:+15550100100"' in html and "North IOP" in html
    assert "Our nurse answers 8am-6pm. &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert 'href="tel:988"' in html and 'href="sms:988"' in html


def test_page_titles_reveal_nothing_clinical(client, world, login_as):
    login_as(world.participant_a)
    for path in NAV:
        html = client.get(path).get_data(as_text=True)
        title = html.split("<title>")[1].split("</title>")[0]
        for word in ("IOP", "PHP", "therapy", "treatment", "North"):
            assert word not in title


def test_me_saves_name_and_language(client, world, login_as, db):
    login_as(world.participant_a)
    response = post_form(client, "/me/profile", {"profile-display_name": " Al ",
                                                 "profile-language": "en"})
    assert response.status_code == 302
    db.session.refresh(world.participant_a)
    assert world.participant_a.display_name == "Al"


def test_me_refuses_an_unknown_language_and_an_empty_name(client, world, login_as, db):
    login_as(world.participant_a)
    response = post_form(client, "/me/profile", {"profile-display_name": "",
                                                 "profile-language": "xx"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a name." in html and "Choose a language from the list." in html
    db.session.refresh(world.participant_a)
    assert world.participant_a.display_name == "Participant A"


def test_changing_password_signs_out_other_devices_but_not_this_one(app, client, world,
                                                                    login_as, db):
    other = app.test_client()
    login_as(world.participant_a, on=other)
    login_as(world.participant_a)
    response = post_form(client, "/me/password", {
        "password-current": PASSWORD, "password-password": "a brand new passphrase",
        "password-confirm": "a brand new passphrase"})
    assert response.status_code == 302
    assert client.get("/me").status_code == 200
    assert other.get("/me").status_code == 302


def test_changing_password_with_the_wrong_current_one_is_refused(client, world, login_as, db):
    login_as(world.participant_a)
    before = world.participant_a.password_hash
    response = post_form(client, "/me/password", {
        "password-current": "not my password", "password-password": "a brand new passphrase",
        "password-confirm": "a brand new passphrase"})
    assert response.status_code == 400
    assert "not your current password" in response.get_data(as_text=True)
    user = db.session.scalar(sa.select(User).where(User.id == world.participant_a.id))
    assert user.password_hash == before


def test_participant_without_an_enrolment_is_told_plainly(client, make_user, login_as):
    login_as(make_user())
    assert "not enrolled" in client.get("/today").get_data(as_text=True)


def test_profile_over_htmx_returns_only_the_profile_card(client, world, login_as, db):
    from tests.conftest import csrf_token

    login_as(world.participant_a)
    headers = {"HX-Request": "true", "X-CSRFToken": csrf_token(client)}
    saved = client.post("/me/profile", data={"profile-display_name": "Alexis",
                                             "profile-language": "en"}, headers=headers)
    html = saved.get_data(as_text=True)
    assert saved.status_code == 200
    assert html.lstrip().startswith('<section class="card" id="profile"')
    assert "Saved." in html and "<html" not in html
    assert "HX-Request" in saved.headers["Vary"]
    invalid = client.post("/me/profile", data={"profile-display_name": "",
                                               "profile-language": "en"}, headers=headers)
    assert invalid.status_code == 400
    assert "Enter a name." in invalid.get_data(as_text=True)
    assert "<html" not in invalid.get_data(as_text=True)


def test_profile_without_javascript_gets_the_whole_page(client, world, login_as):
    login_as(world.participant_a)
    invalid = post_form(client, "/me/profile", {"profile-display_name": "",
                                                "profile-language": "en"})
    assert "<html" in invalid.get_data(as_text=True)
    assert 'class="bottom-nav"' in invalid.get_data(as_text=True)
