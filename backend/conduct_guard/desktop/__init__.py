"""On the officer's desktop: the tray (tray and tray_*), starting at login (autostart), the native
messaging host that hands the extension its token (native_host) and its per-user setup
(native_setup)."""
