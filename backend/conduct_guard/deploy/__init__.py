"""For IT: the deployment kit (itkit: policies, signed extension, autostart and native host files)."""
