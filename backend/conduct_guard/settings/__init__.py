"""Settings: the layers from schema defaults to IT's machine policy (config), the machine policy and
the settings schema (machine_policy, settings_schema.json)."""
