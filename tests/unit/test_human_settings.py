"""Settings of "talk to a person": officer chats, the default desk and office hours."""

from __future__ import annotations

from datetime import time

import pytest
from pydantic import ValidationError

from bot.bootstrap import desk_settings
from bot.settings import Settings
from services.talks import OfficerDesk


def test_officer_chats_name_their_agency_and_the_name_citizens_see() -> None:
    settings = Settings(  # type: ignore[call-arg]
        officer_chats={"telegram:-100": "so_tu_phap|Bộ phận Một cửa Sở Tư pháp", "zalo:9": "*"},
        admin_chats=["telegram:1"],
        office_hours="08:00-12:00,13:00-17:00",
        _env_file=None,
    )
    desk = desk_settings(settings)
    assert desk.officer_chats == {
        "telegram:-100": OfficerDesk("so_tu_phap", "Bộ phận Một cửa Sở Tư pháp"),
        "zalo:9": OfficerDesk("*", ""),
    }
    assert desk.chats_for("so_tu_phap") == ["telegram:-100", "telegram:1", "zalo:9"]
    assert desk.chats_for("so_y_te") == ["telegram:1", "zalo:9"]
    assert desk.hours.sessions[0] == (time(8, 0), time(12, 0))
    assert desk.default_agency == "ubnd_tinh"


@pytest.mark.parametrize(
    "values",
    [
        {"office_hours": "17:00-07:30"},
        {"office_hours": "all day"},
        {"officer_chats": {"web:abc": "so_tu_phap"}},  # a web chat id proves nothing
        {"officer_chats": {"nowhere": "so_tu_phap"}},
    ],
)
def test_malformed_desk_settings_are_refused(values: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Settings(**values, _env_file=None)  # type: ignore[arg-type]
