"""Which pystray backend draws the tray icon, and the workarounds its plain-X backend needs.

**The choice** (:func:`choose_backend`, before pystray is first imported). On Linux pystray tries
AppIndicator, then GTK, then plain X. Measured on Debian 12 with pystray 0.19.5: where python3-gi
and GTK's typelib are installed but no AppIndicator typelib is, ``import pystray`` fails with
``ValueError: Namespace AyatanaAppIndicator3 not available`` (pystray catches ImportError only),
so there was no icon at all. We therefore look for the typelibs ourselves and name the backend
in ``PYSTRAY_BACKEND``: ``appindicator`` (a menu on any click; packages
``gir1.2-ayatanaappindicator3-0.1`` and ``python3-gi``), else ``gtk`` (a menu on right click),
else ``xorg``. A ``PYSTRAY_BACKEND`` already set (by IT or a test) is kept.

**The plain-X backend** has no menu at all. There a click (left or right) runs the default
action, which opens the status page; the page offers pause, resume and quit. pystray's X icon
also needs these fixes, each measured under Xvfb with trayer (:func:`_xorg_icon_class`, :func:`settle`):

- its window does not ask for button presses, so clicks never arrived;
- every icon change sent the tray a new dock request; trayer then re-embedded the window, and in
  4 of 9 runs a second copy's icon ended up 1 pixel wide (the "thin sliver"). Once the tray has
  taken the window, an icon change now only repaints;
- trayer left the first dock request unanswered in 1 of 12 runs (no icon at all): while the
  window has not been taken, a repaint asks again;
- the badge was stretched to the window (24x46 in trayer: an oval) over black corners; it is now
  drawn square, centred, with the tray's own background around it.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from typing import Any, Callable, MutableMapping

log = logging.getLogger("conduct_guard.tray")

BACKEND_ENV = "PYSTRAY_BACKEND"
# the AppIndicator typelibs pystray's appindicator backend loads, in its order
_APPINDICATOR_NAMESPACES = ("AppIndicator3", "AyatanaAppIndicator3")

__all__ = ["choose_backend", "has_menu", "make_icon", "settle", "stop_icon", "BACKEND_ENV"]


def _gi_has(namespace: str, version: str) -> bool:
    try:
        import gi

        gi.require_version(namespace, version)
        return True
    except (ImportError, ValueError):  # no python3-gi, or no typelib for the namespace
        return False


def choose_backend(environ: MutableMapping[str, str] | None = None, platform: str | None = None,
                   gi_has: Callable[[str, str], bool] = _gi_has) -> str | None:
    """The pystray backend to use, written to ``PYSTRAY_BACKEND`` (None: Windows and macOS,
    where pystray has one backend each)."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if environ.get(BACKEND_ENV):
        return environ[BACKEND_ENV]
    if platform.startswith("win") or platform == "darwin":
        return None
    if gi_has("Gtk", "3.0"):
        backend = "appindicator" if any(gi_has(ns, "0.1") for ns in _APPINDICATOR_NAMESPACES) else "gtk"
    else:
        backend = "xorg"
    environ[BACKEND_ENV] = backend
    return backend


def has_menu(icon: Any) -> bool:
    """Whether this backend shows a menu (pystray's plain-X backend does not)."""
    return bool(getattr(type(icon), "HAS_MENU", True))


def _is_xorg(icon: Any) -> bool:
    return type(icon).__module__.endswith("_xorg") or any(
        base.__module__.endswith("_xorg") for base in type(icon).__mro__)


def make_icon(name: str, image: Any, title: str, menu: Any) -> Any:
    """The pystray icon of the chosen backend (the plain-X one with the fixes above)."""
    choose_backend()
    import pystray

    backend = pystray.Icon.__module__.rsplit("._", 1)[-1]  # pystray._xorg -> xorg
    icon_class = _xorg_icon_class(pystray.Icon) if backend == "xorg" else pystray.Icon
    icon = icon_class(name, image, title, menu)
    if not has_menu(icon):
        log.warning("the tray backend %s shows no menu: a click on the icon opens the status page "
                    "(pause, resume, quit); for a menu install python3-gi and "
                    "gir1.2-ayatanaappindicator3-0.1 (docs/IT.md)", backend)
    else:
        log.info("tray backend: %s", backend)
    return icon


# seconds between the repaints while the tray embeds the icon: trayer embedded within 0.1-0.3 s
# here, so the first repaint, 0.5 s after the dock request, finds the window taken and asks no
# more (asking again once it was taken is what left a second copy 1 pixel wide)
_SETTLE_DELAYS = (0.5, 1.0, 2.0, 3.0, 5.0)


def settle(icon: Any, repaint: Callable[[], None], stop: threading.Event) -> None:
    """Plain X only: paint the icon again a few times while the tray embeds it. Docking asks X
    questions from the setup thread; python-xlib may queue the Expose event there while the tray
    loop waits on the socket, and the icon stayed unpainted. And trayer left the first dock
    request unanswered in 1 of 12 runs (the window stayed a 1x1 child of the root): a repaint
    asks again while the window has not been taken."""
    if not _is_xorg(icon):
        return
    for delay in _SETTLE_DELAYS:
        if stop.wait(delay):
            return
        try:
            repaint()
        except Exception:  # noqa: BLE001 - the icon went away (quit while settling)
            return


def stop_icon(icon: Any, loop_done: threading.Event) -> None:
    """End the tray loop. On plain X the wake-up message can be read off the X socket by another
    thread (python-xlib is not thread-safe) and the loop then never ends: send it again until the
    loop is done. The resender starts first, because ``icon.stop()`` itself waits for the loop."""
    if _is_xorg(icon):
        def resend() -> None:
            for _ in range(20):
                if loop_done.wait(0.5):
                    return
                try:
                    icon._stop()  # pystray's own wake-up: destroys the window from the loop thread
                except Exception:  # noqa: BLE001 - the loop and its window are gone
                    return

        threading.Thread(target=resend, name="conduct-guard-tray-quit", daemon=True).start()
    icon.stop()


def _xorg_icon_class(base: type) -> type:
    """pystray's plain-X icon with clicks, dock requests only until the tray takes the window,
    and a square badge (see above)."""
    import PIL.Image
    import Xlib.X
    import Xlib.error

    class XorgIcon(base):  # type: ignore[misc, valid-type]
        def _create_window(self):
            window = super()._create_window()
            # ButtonPressMask: clicks reach the icon; ParentRelative: the tray's own background
            # shows around the round badge
            window.change_attributes(
                background_pixmap=Xlib.X.ParentRelative,
                event_mask=Xlib.X.ExposureMask | Xlib.X.StructureNotifyMask | Xlib.X.ButtonPressMask)
            return window

        def _on_button_press(self, event):
            if event.detail in (1, 3):  # left or right: there is no menu to show
                self()

        def _update_icon(self):
            if not self._embedded():
                super()._update_icon()  # ask the tray (again) to take the window, then draw
                return
            self._forget_badge()
            self._draw()
            self._icon_valid = True

        def _embedded(self) -> bool:
            """The tray has taken the window (it is no longer the root window's child)."""
            try:
                return self._window.query_tree().parent.id != self._display.screen().root.id
            except Xlib.error.XError:
                return False

        def _draw(self):
            try:
                geometry = self._window.get_geometry()
                side = max(1, min(geometry.width, geometry.height))
                if self._icon_data is None or self._icon_data[0] != side:
                    self._icon_data = self._badge(side)
                side, rgb, mask = self._icon_data
                x, y = (geometry.width - side) // 2, (geometry.height - side) // 2
                self._window.clear_area()
                self._gc.change(clip_mask=mask, clip_x_origin=x, clip_y_origin=y)
                self._window.put_pil_image(self._gc, x, y, rgb)
            except Xlib.error.BadDrawable:
                pass  # the window has been destroyed

        def _badge(self, side: int):
            """(side, RGB image, 1-bit clip mask from the alpha channel) for a side x side badge."""
            self._forget_badge()
            badge = self._icon.convert("RGBA").resize((side, side), PIL.Image.LANCZOS)
            opaque = badge.getchannel("A").point(lambda a: 255 if a >= 128 else 0).convert("1")
            mask = self._window.create_pixmap(side, side, 1)
            gc = mask.create_gc(foreground=1, background=0)
            mask.put_pil_image(gc, 0, 0, opaque)
            gc.free()
            return side, badge.convert("RGB"), mask

        def _forget_badge(self) -> None:
            if isinstance(self._icon_data, tuple):
                self._icon_data[2].free()
            self._icon_data = None

    XorgIcon.__name__ = XorgIcon.__qualname__ = "XorgIcon"
    return XorgIcon
