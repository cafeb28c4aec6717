"""Mail templates: placeholders from a fixed allowlist, rendered and escaped; an event's own
version over the default; values only from what the addressee may read."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.content import ORGANIZER, create, saved_event


@pytest.fixture
def event(stack):
    return saved_event()


def _template(**fields):
    from chalicelib.domain.mail_templates import DEFAULTS, Template

    return Template(**{**DEFAULTS["proposal_accepted"].__dict__, **fields})


@pytest.mark.unit
def test_mail_templates_render_escapes_html_and_keeps_the_subject_on_one_line():
    from chalicelib.domain.mail_templates import render

    template = _template(subject="Hi {speaker_name}", text="Dear {speaker_name}", html="<p>Dear {speaker_name}</p>")

    mail = render(template, {"speaker_name": 'Eve <b>"x"</b>\r\nBcc: all@example.org'})

    assert mail.subject == 'Hi Eve <b>"x"</b> Bcc: all@example.org'
    assert mail.text == 'Dear Eve <b>"x"</b>\r\nBcc: all@example.org'
    assert mail.html == "<p>Dear Eve &lt;b&gt;&quot;x&quot;&lt;/b&gt;\r\nBcc: all@example.org</p>"


@pytest.mark.unit
@given(st.text(max_size=200))
def test_mail_templates_render_any_value_without_header_breaks_or_markup(value):
    from chalicelib.domain.mail_templates import render

    mail = render(_template(subject="{proposal_title}!", html="<i>{proposal_title}</i>"), {"proposal_title": value})

    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert mail.html.count("<") == 2 and mail.html.count(">") == 2


@pytest.mark.unit
def test_mail_templates_unknown_placeholder_is_refused_naming_it():
    from chalicelib.domain.mail_templates import check_placeholders
    from chalicelib.errors import BadRequest

    with pytest.raises(BadRequest) as refused:
        check_placeholders(_template(), {"subject": "{speaker_email}", "text": "{speaker_name} {session.comments}"})

    assert refused.value.status == 400
    assert refused.value.fields == {"subject": "unknown placeholder {speaker_email}"}


@pytest.mark.unit
def test_mail_templates_defaults_use_only_their_own_placeholders():
    from chalicelib.domain.mail_templates import DEFAULTS, check_placeholders

    for template in DEFAULTS.values():
        check_placeholders(template, {"subject": template.subject, "text": template.text, "html": template.html})

    assert set(DEFAULTS) >= {"proposal_received", "proposal_accepted", "proposal_rejected", "proposal_waitlisted",
                             "proposal_reminder", "schedule_changed", "organizer_new_proposal", "organizer_digest"}  # fmt: skip


@pytest.mark.integration
def test_mail_templates_event_version_replaces_the_default_until_reset(event):
    from chalicelib.domain.mail_templates import DEFAULTS, get_template, list_templates, reset_template, save_template

    save_template(event_id="ev1", name="proposal_rejected", fields={"subject": "Sorry, {speaker_name}", "text": "No."})
    saved = get_template(event_id="ev1", name="proposal_rejected")
    listed = {t.name: t.customized for t in list_templates(event_id="ev1")}
    reset_template(event_id="ev1", name="proposal_rejected")

    assert (saved.subject, saved.text, saved.customized) == ("Sorry, {speaker_name}", "No.", True)
    assert listed == {name: name == "proposal_rejected" for name in DEFAULTS}
    assert get_template(event_id="ev1", name="proposal_rejected") == DEFAULTS["proposal_rejected"]


@pytest.mark.integration
def test_mail_templates_unknown_name_is_not_found(event):
    from chalicelib.domain.mail_templates import get_template
    from chalicelib.errors import NotFound

    with pytest.raises(NotFound):
        get_template(event_id="ev1", name="../etc")


@pytest.mark.integration
def test_mail_templates_speaker_values_hold_only_what_the_speaker_may_read(event):
    from chalicelib.domain.content import update_child
    from chalicelib.domain.mail_templates import SPEAKER_PLACEHOLDERS, speaker_values
    from chalicelib.domain.projections import FIELDS, OWN, PUBLIC

    ada = create(event, "speaker", name="Ada", email="ada@example.org", gender="secret-gender")
    talk = create(event, "session", title="Looms", speaker_ids=[ada.id], state="pending")
    update_child(event=event, item=talk, fields={"comments": "internal-note"}, version=talk.version, actor=ORGANIZER)

    values = speaker_values(event=event, session=talk, speaker=ada)

    assert set(values) == set(SPEAKER_PLACEHOLDERS)
    assert [v for v in values.values() if "internal-note" in v or "secret-gender" in v] == []
    assert (values["speaker_name"], values["proposal_title"], values["event_name"]) == ("Ada", "Looms", "Conf")
    assert values["dashboard_url"].endswith("/admin/#/speaker")
    assert values["proposal_url"].endswith(f"/admin/#/speaker/proposals/ev1/{talk.id}")
    # The fields these values come from are ones a speaker reads of their own items.
    assert {FIELDS["session"][f] for f in ("title", "state", "id")} | {FIELDS["speaker"]["name"]} <= {PUBLIC, OWN}


@pytest.mark.integration
def test_mail_templates_preview_renders_a_draft_with_the_proposals_data(event):
    from chalicelib.domain.mail_templates import preview

    ada = create(event, "speaker", name="Ada <3", email="ada@example.org")
    talk = create(event, "session", title="Looms & Co", speaker_ids=[ada.id], state="pending")

    shown = preview(
        event=event, session=talk, name="proposal_accepted", actor=ORGANIZER,
        draft={"subject": "Yes, {speaker_name}", "html": "<b>{proposal_title}</b>"},
    )  # fmt: skip

    assert shown["to"] == "ada@example.org"
    assert shown["subject"] == "Yes, Ada <3"
    assert shown["html"] == "<b>Looms &amp; Co</b>"
    assert "Ada <3" in shown["text"]
