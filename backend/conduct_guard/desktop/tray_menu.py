"""The tray menu: the state line (its default item: a click on the icon), the error and log lines
while the service is down, Retry, Pause 15 minutes / Pause 1 hour / Resume (unless IT turned
pausing off), Policy pack (unless IT locked it), Open status page, Open log folder, Quit.

Built from a :class:`~conduct_guard.desktop.tray_model.TrayModel` (what to show) and the controller's
actions (:class:`TrayActions`); labels and visibility are read again each time the backend draws
the menu, so it follows the state without being rebuilt.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..service.service_strings import BASE_LANG, pause_label, t
from ..service.state import PAUSE_MINUTES
from .tray_model import TrayModel

# the menu's fixed labels (menu_labels); the state line and the error lines come with the state
MENU_KEYS = ("resume", "pack", "no_packs", "open_status", "open_logs", "quit", "retry", "log_none",
             "notify_title")

__all__ = ["TrayActions", "build_menu", "menu_labels", "pause_choices", "MENU_KEYS"]


class TrayActions(Protocol):
    """What the menu's items do (the controller implements them)."""

    def default_action(self) -> None: ...
    def retry(self) -> None: ...
    def pause(self, minutes: int) -> None: ...
    def resume(self) -> None: ...
    def set_pack(self, pack_id: str) -> None: ...
    def open_status(self) -> None: ...
    def open_logs(self) -> None: ...
    def quit(self) -> None: ...


def pause_choices(lang: str = BASE_LANG) -> tuple[tuple[int, str], ...]:
    """(minutes, menu label) for each pause the service allows, in ``lang``."""
    return tuple((minutes, pause_label(minutes, lang)) for minutes in PAUSE_MINUTES)


def menu_labels(lang: str = BASE_LANG) -> dict[str, str]:
    """The tray menu's fixed labels in ``lang`` (English where it is not one of the five), with
    ``pause_<minutes>`` for each pause choice. The menu is built from these; no display needed."""
    labels = {key: t(lang, key) for key in MENU_KEYS}
    labels.update({f"pause_{minutes}": label for minutes, label in pause_choices(lang)})
    return labels


def build_menu(model: TrayModel, actions: TrayActions) -> Any:
    """The pystray menu. The fixed labels are in the language of the moment it is built (start)."""
    from pystray import Menu, MenuItem as Item

    labels = menu_labels(model.lang)

    def serving(item=None) -> bool:
        return model.state in ("running", "paused")

    def failed(item=None) -> bool:
        return model.state == "error"

    def pack_items():
        return [Item(pid, (lambda p: lambda icon, item: actions.set_pack(p))(pid),
                     checked=(lambda p: lambda item: model.current_pack() == p)(pid), radio=True)
                for pid in model.packs()] or [Item(labels["no_packs"], None, enabled=False)]

    return Menu(
        Item(lambda item: model.status_line(), lambda icon, item: actions.default_action(), default=True),
        Item(lambda item: model.error or "", None, enabled=False, visible=failed),
        Item(lambda item: model.log_line(), None, enabled=False, visible=failed),
        Item(labels["retry"], lambda icon, item: actions.retry(), visible=failed),
        Menu.SEPARATOR,
        *[Item(labels[f"pause_{minutes}"], (lambda m: lambda icon, item: actions.pause(m))(minutes),
               visible=lambda item: serving() and model.pause_allowed())
          for minutes in PAUSE_MINUTES],
        Item(labels["resume"], lambda icon, item: actions.resume(), visible=lambda item: model.state == "paused"),
        Item(labels["pack"], Menu(pack_items), visible=lambda item: serving() and not model.pack_locked()),
        Item(lambda item: model.pack_locked_line(), None, enabled=False,
             visible=lambda item: serving() and model.pack_locked()),
        Menu.SEPARATOR,
        Item(labels["open_status"], lambda icon, item: actions.open_status(), visible=lambda item: not failed()),
        Item(labels["open_logs"], lambda icon, item: actions.open_logs()),
        Item(labels["quit"], lambda icon, item: actions.quit()),
    )
