"""The local HTTP service: the app (app), its routes (api, status, status_controls), who may call
them (security, auth), what changes while it runs (state, stats), waitress (server) and the
service's own words (service_strings)."""
