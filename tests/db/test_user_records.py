"""Users: the photo on the user's item, and the role reads the trash uses."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def _user(user_id: str):
    from chalicelib.db.keys import user_key
    from chalicelib.db.users import User

    user = User(*user_key(user_id), id=user_id, email=f"{user_id}@example.org", name=user_id, password_hash="!")
    user.save()
    return user


def _file(upload_id: str):
    from chalicelib.db.uploads import StoredFile

    return StoredFile(upload_id=upload_id, key=f"files/{upload_id}.png", content_type="image/png", filename="a.png", size=3)


def test_user_photo_replaced_returns_the_old_file(stack):
    from chalicelib.db.users import set_user_photo, user_photo

    _user("u-photo-1")

    assert set_user_photo("u-photo-1", _file("up1")) is None
    replaced = set_user_photo("u-photo-1", _file("up2"))

    assert replaced is not None and replaced.upload_id == "up1"
    assert user_photo("u-photo-1").upload_id == "up2"


def test_user_photo_of_a_missing_user_is_refused(stack):
    from chalicelib.db.users import User, set_user_photo, user_photo

    with pytest.raises(User.DoesNotExist):
        set_user_photo("u-nobody", _file("up1"))
    assert user_photo("u-nobody") is None


def test_user_photo_thumbnails_only_for_the_upload_it_shows(stack):
    from chalicelib.db.users import set_user_photo, set_user_photo_thumbnails, user_photo

    _user("u-photo-2")
    set_user_photo("u-photo-2", _file("up2"))

    assert not set_user_photo_thumbnails("u-photo-2", upload_id="up1", thumbnails={"64x64.webp": "t/old"})
    assert set_user_photo_thumbnails("u-photo-2", upload_id="up2", thumbnails={"64x64.webp": "t/new"})
    assert user_photo("u-photo-2").thumbnails.as_dict() == {"64x64.webp": "t/new"}


def test_user_photo_survives_a_save_of_the_user(stack):
    from chalicelib.db.keys import user_key
    from chalicelib.db.users import User, set_user_photo, user_photo

    _user("u-photo-3")
    set_user_photo("u-photo-3", _file("up3"))
    user = User.get(*user_key("u-photo-3"), consistent_read=True)

    user.name = "Renamed"
    user.save()

    assert user_photo("u-photo-3").upload_id == "up3"


def test_roles_are_read_by_user_and_by_event(stack):
    from chalicelib.db.users import roles_in_event, roles_of_user
    from chalicelib.domain.roles import role_item

    role_item(event_id="ev-r1", user_id="u-r1", role="owner").save()
    role_item(event_id="ev-r2", user_id="u-r1", role="moderator").save()
    role_item(event_id="ev-r1", user_id="u-r2", role="organizer").save()

    assert sorted(roles_of_user("u-r1")) == [("ev-r1", "owner"), ("ev-r2", "moderator")]
    assert roles_in_event("ev-r1") == {"u-r1": "owner", "u-r2": "organizer"}
