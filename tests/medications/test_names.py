"""Each program's own list of names, suggested as a name is typed (no drug database)."""

import sqlalchemy as sa

from app.models import ProgramMedicationList
from tests.conftest import post_form


def test_an_admin_keeps_a_programs_names_and_its_people_see_them_suggested(
        app, world, db, login_as, participant_client):
    admin = app.test_client()
    login_as(world.admin, on=admin)
    url = f"/admin/programs/{world.iop.id}/medication-names"
    assert admin.get(url).status_code == 200
    saved = post_form(admin, url, {"names": "sertraline\n  Lithium \nsertraline\n\n<b>x</b>"})
    assert saved.status_code == 302
    row = db.session.get(ProgramMedicationList, world.iop.id)
    assert row.names == ["<b>x</b>", "Lithium", "sertraline"]  # trimmed, once each, sorted
    page = participant_client.get("/medications/new").get_data(as_text=True)
    assert '<datalist id="medication-names">' in page
    assert '<option value="Lithium">' in page and '<option value="&lt;b&gt;x&lt;/b&gt;">' in page

    other = app.test_client()  # another program's participant gets their own program's list
    login_as(world.participant_b, on=other)
    assert "Lithium" not in other.get("/medications/new").get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgramMedicationList)) == 1
